import threading

from huying.common.batch import batch_mode, in_batch


def test_batch_mode_is_per_thread_and_nests():
    seen = []
    with batch_mode():
        with batch_mode():
            assert in_batch()
        assert in_batch()
        worker = threading.Thread(target=lambda: seen.append(in_batch()))
        worker.start()
        worker.join()
    assert not in_batch() and seen == [False]
