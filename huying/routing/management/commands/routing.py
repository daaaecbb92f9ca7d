"""`huying routing …`: train, evaluate and try the matter-type classifier (智能派单).

- `train`: train on every county's catalogue and confirmed dispatches plus the bundled
  corpus; prints progress and the held-out figures.
- `evaluate [--file FILE.jsonl]`: top-1 and top-3 accuracy of the model in use, on the
  held-out split of its training data, or on a labelled file ({"text", "code"} a line,
  e.g. huying/routing/data/evaluation.jsonl).
- `classify FILE.json`: FILE is a JSON list of {"text": …, "channel": …}; prints a JSON
  list with, for each, its top 3 [{"code", "confidence"}]. Texts are read up to 2,000
  characters; the channel is accepted for the record, the model reads the text only.

`classify` and `evaluate` train a model first when there is none (and say so on stderr).
The command acts as the system: whoever runs it on the server administers the platform.
"""

from __future__ import annotations

import json
import time
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from huying.common.errors import DomainError
from huying.routing.classifier import figures_of
from huying.routing.corpus import TEXT_MAX, labelled_read
from huying.routing.services import model_retrain
from huying.routing.store import Model, model_current


def texts_read(path: Path) -> list[str]:
    """The texts of a classify file, or a CommandError saying what is wrong with it."""
    try:
        content: Any = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise CommandError(_("Cannot read %(path)s: %(error)s")
                           % {"path": path, "error": error.strerror or error}) from error
    except UnicodeDecodeError as error:
        raise CommandError(_("%(path)s is not UTF-8 text.") % {"path": path}) from error
    except json.JSONDecodeError as error:
        raise CommandError(_("%(path)s is not JSON: %(error)s (line %(line)d).")
                           % {"path": path, "error": error.msg, "line": error.lineno}) from error
    if not isinstance(content, list):
        raise CommandError(_("%(path)s must hold a JSON list of {\"text\": …, \"channel\": …}.")
                           % {"path": path})
    texts = []
    for number, item in enumerate(content, start=1):
        if not isinstance(item, dict) or not isinstance(item.get("text"), str) \
                or not item["text"].strip():
            raise CommandError(_("Item %(n)d of %(path)s needs a non-empty \"text\".")
                               % {"n": number, "path": path})
        if "channel" in item and not isinstance(item["channel"], str):
            raise CommandError(_("Item %(n)d of %(path)s: \"channel\" must be text.")
                               % {"n": number, "path": path})
        texts.append(item["text"][:TEXT_MAX])
    return texts


class Command(BaseCommand):
    help = _("Smart dispatch (智能派单): train, evaluate and try the matter-type classifier.")

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("train", help="train and write the model file")
        evaluate = sub.add_parser("evaluate", help="top-1/top-3 accuracy of the model")
        evaluate.add_argument("--file", help="a labelled JSONL file ({\"text\", \"code\"})")
        classify = sub.add_parser("classify", help="top 3 matter types of each text of a file")
        classify.add_argument("file", help="a JSON list of {\"text\": …, \"channel\": …}")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, "handle_" + options["action"])(options)
        except DomainError as error:
            raise CommandError(error.message) from error

    def train(self) -> Model:
        return model_retrain(actor=None, now=timezone.now(), progress=self.stdout.write)

    def model(self) -> Model:
        model = model_current()
        if model is None:
            self.stderr.write(_("No routing model yet: training one first."))
            model = model_retrain(actor=None, now=timezone.now(), progress=self.stderr.write)
        return model

    def handle_train(self, options: dict[str, Any]) -> None:
        model = self.train()
        self.stdout.write(self.style.SUCCESS(_("Model %(version)s trained.")
                                             % {"version": model.version}))

    def handle_evaluate(self, options: dict[str, Any]) -> None:
        if options["file"]:
            rows = labelled_read(Path(options["file"]))
            if not rows:
                raise CommandError(_("%(path)s has no labelled text.") % {"path": options["file"]})
            model = self.model()
            figures = figures_of(model.classifier, [r["text"] for r in rows],
                                 [r["code"] for r in rows])
            where = options["file"]
        else:
            model = self.model()
            held = model.meta.get("held_out", {})
            if not held.get("n"):
                raise CommandError(_("The model in use was trained on too few texts to hold "
                                     "any out."))
            self.stdout.write(_("Held-out split of the training data (%(n)d texts, the model "
                                "trained at %(at)s):")
                              % {"n": held["n"], "at": model.meta.get("trained_at", "?")})
            self.stdout.write(_("top-1 %(top1).1f%%  top-3 %(top3).1f%%  calibration error "
                                "%(ece).3f")
                              % {"top1": held["top1"] * 100, "top3": held["top3"] * 100,
                                 "ece": held.get("ece", 0)})
            return
        self.stdout.write(_("%(where)s (%(n)d texts, model %(version)s):")
                          % {"where": where, "n": figures.n, "version": model.version})
        self.stdout.write(_("top-1 %(top1).1f%%  top-3 %(top3).1f%%  calibration error %(ece).3f")
                          % {"top1": figures.top1 * 100, "top3": figures.top3 * 100,
                             "ece": figures.ece})

    def handle_classify(self, options: dict[str, Any]) -> None:
        texts = texts_read(Path(options["file"]))
        model = self.model()
        started = time.perf_counter()
        tops = model.classifier.top(texts) if texts else []
        seconds = time.perf_counter() - started
        answer = [[{"code": s.code, "confidence": s.confidence} for s in top] for top in tops]
        self.stdout.write(json.dumps(answer, ensure_ascii=False))
        if texts:
            self.stderr.write(_("%(n)d texts classified in %(ms).1f ms.")
                              % {"n": len(texts), "ms": seconds * 1000})
