"""Training: gather the samples of every county, fit, measure, write the model file.

One model serves the installation: matter codes are stable across catalogue versions and
counties loading the reference catalogue share them. Its meta records, per county, the
catalogue version it was trained on and its codes, so a county whose catalogue changed
since gets suggestions only among the codes still in force, marked stale, until the next
training (nightly, or on demand).
"""

from __future__ import annotations

import hashlib
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from huying.catalog.models import ListKind
from huying.catalog.reference import reference_data
from huying.catalog.selectors import list_in_force, matter_types_of
from huying.org.models import Level, OrgUnit
from huying.routing import corpus
from huying.routing.classifier import Sample, classifier_fit
from huying.routing.store import Model, model_path, model_save

Progress = Callable[[str], None]


@dataclass
class TrainingSet:
    samples: list[Sample] = field(default_factory=list)
    counties: dict[str, dict[str, Any]] = field(default_factory=dict)
    reference: bool = False  # no county has a catalogue: trained on the bundled one


def training_set(*, now: datetime) -> TrainingSet:
    """Every county's catalogue in force and confirmed dispatches, plus the bundled corpus
    and lexicon for the codes any of them has. With no catalogue anywhere, the bundled
    reference catalogue stands in (a fresh installation can still classify files)."""
    day = timezone.localdate(now)
    found = TrainingSet()
    seen: set[tuple[str, str, str]] = set()

    def add(samples) -> None:
        for sample in samples:
            key = (sample.text, sample.code, sample.source)
            if key not in seen:
                seen.add(key)
                found.samples.append(sample)

    for county in OrgUnit.objects.filter(level=Level.COUNTY, active=True).order_by("code"):
        catalogue = list_in_force(county=county, kind=ListKind.CATALOGUE, on=day)
        if catalogue is None:
            continue
        matters = list(matter_types_of(catalogue))
        found.counties[county.code] = {"catalogue_version": catalogue.pk,
                                       "catalogue_number": catalogue.number,
                                       "codes": sorted(m.code for m in matters)}
        add(corpus.catalogue_samples(matters))
        add(corpus.confirmed_samples(county))
    if not found.counties:
        found.reference = True
        add(corpus.catalogue_samples(reference_data()["matter_types"]))
        codes = {m["code"] for m in reference_data()["matter_types"]}
    else:
        codes = {c for county in found.counties.values() for c in county["codes"]}
    add(corpus.corpus_samples(codes))
    add(corpus.generated_samples(codes))
    return found


def model_train(*, now: datetime, progress: Progress | None = None) -> Model:
    """Fit a model on `training_set`, write it (see `store`) and return it."""
    say = progress or (lambda _text: None)
    started = time.perf_counter()
    found = training_set(now=now)
    by_source = Counter(s.source for s in found.samples)
    say(_("Samples: %(sources)s; %(matters)d matter types; %(where)s.")
        % {"sources": ", ".join(f"{k} {v}" for k, v in sorted(by_source.items())),
           "matters": len({s.code for s in found.samples}),
           "where": (_("catalogues of %(n)d counties") % {"n": len(found.counties)}
                     if found.counties else _("the reference catalogue (no county has one)"))})
    say(_("Fitting on a held-out split, calibrating, then on every sample…"))
    fitted = classifier_fit(found.samples)
    digest = hashlib.sha256("\n".join(f"{s.code}\t{s.weight}\t{s.text}" for s in found.samples)
                            .encode()).hexdigest()[:12]
    meta = {
        "version": f"{now:%Y%m%dT%H%M%S}-{digest}",
        "trained_at": now.isoformat(),
        "samples": {"total": len(found.samples), **dict(sorted(by_source.items()))},
        "classes": len(fitted.classifier.classes),
        "temperature": round(fitted.classifier.temperature, 5),
        "held_out": fitted.held_out.as_dict(),
        "counties": found.counties,
        "reference_catalogue": found.reference,
        "seconds": round(time.perf_counter() - started, 2),
    }
    model = Model(fitted.classifier, meta)
    model_save(model)
    held = fitted.held_out
    say(_("Held out: %(n)d texts, top-1 %(top1).1f%%, top-3 %(top3).1f%%, calibration error "
          "%(ece).3f, temperature %(t).3f; written to %(path)s in %(s).1f s.")
        % {"n": held.n, "top1": held.top1 * 100, "top3": held.top3 * 100, "ece": held.ece,
           "t": fitted.classifier.temperature, "path": model_path(), "s": meta["seconds"]})
    return model
