"""Images and folders: annotate each file, report a bad one in one line, and go on.

The library yields one `ImageResult` per input so that the caller (the `mtl demo` command) prints
messages, shows progress and decides the exit status: non-zero only if nothing was processed.
"""

from __future__ import annotations

import concurrent.futures
import dataclasses
import multiprocessing
from collections.abc import Iterable, Iterator
from pathlib import Path

from facedemo.draw import draw
from facedemo.errors import BadInputError
from facedemo.images import read_image, write_image
from facedemo.pipeline import FacePipeline
from facedemo.settings import DemoSettings
from faceschemas.prediction import Prediction


@dataclasses.dataclass
class ImageResult:
    """What happened to one input: a prediction (maybe with no face), or the one-line error."""

    path: Path
    prediction: Prediction | None = None
    error: str | None = None
    written: Path | None = None

    @property
    def ok(self) -> bool:
        return self.prediction is not None

    @property
    def message(self) -> str | None:
        """The one line to tell a person, if any (an error, or an image without a face)."""
        if self.error:
            return self.error
        if self.prediction is not None and not self.prediction.faces:
            return f"{self.path}: no face found"
        return None


def annotate_file(pipeline: FacePipeline, path: str | Path, out_dir: str | Path | None = None) -> ImageResult:
    """Reads, predicts and (with `out_dir`) writes `<out_dir>/<stem>.annotated.jpg` for one file."""
    path = Path(path)
    try:
        rgb = read_image(path)
        prediction = pipeline.process(rgb, str(path))
    except BadInputError as err:
        return ImageResult(path, error=str(err))
    except Exception as err:  # noqa: BLE001  (one file's failure is one line; the run goes on)
        return ImageResult(path, error=f"{path}: cannot process ({_first_line(err)})")
    written = None
    if out_dir is not None:
        written = write_image(Path(out_dir) / f"{path.stem}.annotated.jpg", draw(rgb, prediction))
    return ImageResult(path, prediction, written=written)


def annotate_files(pipeline: FacePipeline, paths: Iterable[str | Path],
                   out_dir: str | Path | None = None) -> Iterator[ImageResult]:
    """`annotate_file` over `paths`, in order."""
    for path in paths:
        yield annotate_file(pipeline, path, out_dir)


# Folder workers: each process builds its own pipeline once (TensorFlow, the detector and the
# models are per process), then handles chunks of paths.
_WORKER: FacePipeline | None = None


def _start_worker(settings: DemoSettings) -> None:
    global _WORKER
    _WORKER = FacePipeline(settings)


def _work(path: Path) -> ImageResult:
    assert _WORKER is not None
    return annotate_file(_WORKER, path)


def annotate_parallel(settings: DemoSettings, paths: list[Path], workers: int) -> Iterator[ImageResult]:
    """`annotate_file` over `paths` in `workers` processes (spawned: TensorFlow is not fork-safe);
    results come back in input order."""
    context = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(workers, mp_context=context, initializer=_start_worker,
                                                initargs=(settings,)) as pool:
        yield from pool.map(_work, paths, chunksize=4)


def _first_line(err: BaseException) -> str:
    text = str(err).strip()
    return text.splitlines()[0] if text else type(err).__name__


def face_lines(prediction: Prediction) -> list[str]:
    """One JSON line per face: a `Prediction` of that image holding that one face."""
    return [prediction.model_copy(update={"faces": [face]}).model_dump_json() for face in prediction.faces]
