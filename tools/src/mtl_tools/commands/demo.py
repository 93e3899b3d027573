"""`mtl demo`: annotate images, folders, videos or a webcam with every task's answer per face.

Thin: parse, build a `facedemo.FacePipeline`, stream its results, print. Human messages go to
stderr; `--json` answers go to stdout. A bad file is one line and the run goes on; the exit
status is non-zero (1) only when nothing at all could be processed. `mtl demo serve` puts the
same pipeline behind a web page and an HTTP API (`facedemo.server`).
"""

from __future__ import annotations

import collections
import contextlib
import os
import time
from pathlib import Path

import click

from mtl_tools.errors import UserError

# facedemo imports TensorFlow and OpenCV: imported inside the commands so `mtl --help` stays fast.


def _pipeline_options(func):
    options = [
        click.option("--model", "models", multiple=True, metavar="M",
                     help="Run folder, .keras file, SavedModel or preset (repeatable; default: the "
                          "FER2013 emotion preset mini_xception_fer2013)."),
        click.option("--detector", default=None, metavar="NAME",
                     help="Face detector: mtcnn (five landmarks), blazeface or blazeface_full (fast, six "
                          "keypoints; short range: faces over a tenth of the picture), haar (no landmarks) "
                          "[default: mtcnn; blazeface_full for serve]."),
        click.option("--align", is_flag=True, help="Rotate each face crop so that the eyes are level."),
        click.option("--max-side", type=click.IntRange(64), default=1024, show_default=True,
                     help="Longer side of the image the detector sees (big images are shrunk)."),
        click.option("--min-face", type=click.IntRange(0), default=None, metavar="PX",
                     help="Smallest face wanted, in pixels: the detector sees the image shrunk until such a "
                          "face fills its smallest window (cheaper the larger it is); 0 looks for any size "
                          "[default: 48 for video and serve, 0 for image and folder]."),
        click.option("--models-dir", type=click.Path(file_okay=False), default=None,
                     help="Local models folder for presets (default: $FACEMTL_MODELS_DIR or models/)."),
        click.option("--trust-model", is_flag=True,
                     help="Load model files whose layers carry Python code (only files you trust)."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _build(models, detector, align, max_side, min_face, models_dir, trust_model=False):
    from facedemo import DemoSettings, FacePipeline
    from facedemo.detectors import DEFAULT_DETECTOR

    try:
        settings = DemoSettings(detector=detector or DEFAULT_DETECTOR, models=tuple(models), align=align, max_side=max_side,
                                min_face=min_face or None, models_dir=models_dir, trust_models=trust_model)
        return settings, FacePipeline(settings)
    except (ValueError, RuntimeError, OSError) as err:
        raise UserError(_first_line(err)) from None


def _per_call_threads() -> None:
    # Video frames and requests call the models on a few faces at a time: TensorFlow's pools, one
    # thread each, beside OpenCV's (facedemo.runtime). Only possible before TensorFlow starts.
    from facedemo.runtime import limit_tf_threads

    limit_tf_threads()


def _first_line(err: Exception) -> str:
    text = str(err).strip()
    if hasattr(err, "errors"):  # pydantic: the first problem, without the URL lines
        first = err.errors()[0]
        text = f"{'.'.join(str(p) for p in first['loc'])}: {first['msg']}"
    return text.splitlines()[0] if text else type(err).__name__


def _summary(ctx: click.Context, done: int, total: int, faces: int, seconds: float, what: str) -> None:
    click.echo(f"processed {done} of {total} {what}, {faces} face(s), {seconds:.1f} s", err=True)
    if not done:
        ctx.exit(1)


@click.group("demo")
def command() -> None:
    """Detect faces and predict every task on images, a folder, a video or a webcam."""


@command.command("image")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default=None,
              help="Write <stem>.annotated.jpg here for each image.")
@click.option("--json", "as_json", is_flag=True, help="Print one Prediction (JSON) per image on stdout.")
@_pipeline_options
@click.pass_context
def image(ctx, paths, out_dir, as_json, models, detector, align, max_side, min_face, models_dir, trust_model) -> None:
    """Annotate the images PATHS: box, landmarks, and each task's label and probability."""
    from facedemo import annotate_files

    _, pipeline = _build(models, detector, align, max_side, min_face, models_dir, trust_model)
    start, done, faces = time.perf_counter(), 0, 0
    for result in annotate_files(pipeline, paths, out_dir):
        if result.message:
            click.echo(result.message, err=True)
        if not result.ok:
            continue
        done, faces = done + 1, faces + len(result.prediction.faces)
        if as_json:
            click.echo(result.prediction.model_dump_json())
        if result.written:
            click.echo(f"{result.path}: {len(result.prediction.faces)} face(s) -> {result.written}", err=True)
    _summary(ctx, done, len(paths), faces, time.perf_counter() - start, "image(s)")


@command.command("folder")
@click.argument("folder", type=click.Path())
@click.option("--out", "out_file", type=click.Path(dir_okay=False), required=True,
              help="JSON lines file: one Prediction holding one face per line.")
@click.option("--workers", type=click.IntRange(1), default=1, show_default=True,
              help="Processes, each with its own detector and models.")
@_pipeline_options
@click.pass_context
def folder(ctx, folder, out_file, workers, models, detector, align, max_side, min_face, models_dir,
           trust_model) -> None:
    """Predict every face of every image under FOLDER into a JSON lines file."""
    from facedemo import BadInputError, annotate_files, annotate_parallel, face_lines, list_images

    try:
        paths = list_images(folder)
    except BadInputError as err:
        raise UserError(str(err)) from None
    if not paths:
        click.echo(f"{folder}: no image files", err=True)
        ctx.exit(1)
    settings, pipeline = _build(models, detector, align, max_side, min_face, models_dir, trust_model)
    results = annotate_files(pipeline, paths) if workers == 1 else annotate_parallel(settings, paths, workers)
    start, done, faces, labels = time.perf_counter(), 0, 0, collections.Counter()
    Path(out_file).parent.mkdir(parents=True, exist_ok=True)
    with open(out_file, "w") as out, click.progressbar(results, length=len(paths), label="images",
                                                       file=click.get_text_stream("stderr")) as bar:
        for result in bar:
            if result.message:
                click.echo(f"\n{result.message}", err=True)
            if result.ok:
                done, faces = done + 1, faces + len(result.prediction.faces)
                labels.update(f.tasks["emotion"].label for f in result.prediction.faces if "emotion" in f.tasks)
                out.writelines(line + "\n" for line in face_lines(result.prediction))
    if labels:
        click.echo("emotion: " + ", ".join(f"{k} {v}" for k, v in labels.most_common()), err=True)
    click.echo(f"results: {out_file}", err=True)
    _summary(ctx, done, len(paths), faces, time.perf_counter() - start, "image(s)")


@command.command("video")
@click.argument("path", required=False, type=click.Path())
@click.option("--webcam", type=click.IntRange(0), default=None, metavar="N", help="Read webcam N instead of a file.")
@click.option("--out", "out_video", type=click.Path(dir_okay=False), default=None, help="Annotated video (.mp4 or .avi).")
@click.option("--json-out", type=click.Path(dir_okay=False), default=None,
              help="JSON lines file: one Prediction (frame, one tracked face) per line.")
@click.option("--detect-every", type=click.IntRange(1), default=1, show_default=True,
              help="Detect on every K-th frame; track by template matching in between.")
@click.option("--smooth", type=click.IntRange(1), default=10, show_default=True,
              help="Average each face's probabilities over its last K frames.")
@click.option("--max-frames", type=click.IntRange(1), default=None, help="Stop after this many frames.")
@_pipeline_options
@click.pass_context
def video(ctx, path, webcam, out_video, json_out, detect_every, smooth, max_frames,
          models, detector, align, max_side, min_face, models_dir, trust_model) -> None:
    """Annotate the video PATH (or --webcam N) as a stream, with a face tracker."""
    from facedemo import BadInputError, face_lines, run_video
    from facedemo.video import VIDEO_MIN_FACE

    if (path is None) == (webcam is None):
        raise UserError("give a video PATH or --webcam N (one of them)")
    _per_call_threads()
    _, pipeline = _build(models, detector, align, max_side, VIDEO_MIN_FACE if min_face is None else min_face,
                         models_dir, trust_model)
    source = webcam if webcam is not None else path
    start, frames, faces, tracks = time.perf_counter(), 0, 0, set()
    out = open(json_out, "w") if json_out else None  # noqa: SIM115  (closed below, streamed per frame)
    try:
        for result in run_video(pipeline, source, out_video, detect_every, smooth, max_frames):
            if result.error:
                click.echo(result.error, err=True)
                continue
            frames, faces = frames + 1, faces + len(result.prediction.faces)
            tracks.update(f.track_id for f in result.prediction.faces)
            if out:
                out.writelines(line + "\n" for line in face_lines(result.prediction))
    except BadInputError as err:
        click.echo(str(err), err=True)
    except KeyboardInterrupt:
        click.echo("stopped", err=True)
    finally:
        if out:
            out.close()
    seconds = time.perf_counter() - start
    click.echo(f"{frames} frame(s), {faces} face(s) in {len(tracks)} track(s), "
               f"{frames / seconds if seconds else 0:.1f} frames/s", err=True)
    for label, target in (("annotated video", out_video), ("faces", json_out)):
        if target and frames:
            click.echo(f"{label}: {target}", err=True)
    if not frames:
        ctx.exit(1)


@command.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; the default is this machine only (loopback).")
@click.option("--port", type=click.IntRange(0, 65535), default=8080, show_default=True,
              help="TCP port (0: any free one).")
@click.option("--max-bytes", type=click.IntRange(1), default=10 * 2**20, show_default=True,
              help="Largest upload in bytes (more is answered 413).")
@click.option("--max-pixels", type=click.IntRange(1), default=40_000_000, show_default=True,
              help="Largest image, width x height, read from its header before decoding (413).")
@click.option("--detector-threads", type=click.IntRange(1, 64), default=None,
              help="Detector instances working side by side [default: CPUs, at most 4].")
@_pipeline_options
def serve(host, port, max_bytes, max_pixels, detector_threads,
          models, detector, align, max_side, min_face, models_dir, trust_model) -> None:
    """Serve the demo: a web page at / and an HTTP API (POST /predict, /health, /models, /openapi.json)."""
    from facedemo.server import (
        SERVE_DETECTOR,
        SERVE_MIN_FACE,
        ServerSettings,
        bind,
        create_app,
        is_loopback,
        make_server,
    )

    try:  # first, so that a taken port is told before the models take seconds to load
        sock = bind(host, port)
    except OSError as err:
        raise UserError(f"cannot listen on {host}:{port} ({os.strerror(err.errno) if err.errno else err})") from None
    _per_call_threads()
    detector = detector or SERVE_DETECTOR
    _, pipeline = _build(models, detector, align, max_side, SERVE_MIN_FACE if min_face is None else min_face,
                         models_dir, trust_model)
    if not is_loopback(host):
        click.echo(f"warning: {host} is reachable from other machines; the API has no authentication", err=True)
    bound_host, bound_port = sock.getsockname()[:2]
    click.echo(f"serving {pipeline.model_names} with {detector} on http://{bound_host}:{bound_port}/ "
               "(Ctrl-C stops)", err=True)
    limits = {"max_bytes": max_bytes, "max_pixels": max_pixels}
    if detector_threads:
        limits["detectors"] = detector_threads
    app = create_app(pipeline, ServerSettings(**limits))
    with contextlib.suppress(KeyboardInterrupt):  # uvicorn shuts down, then re-raises the Ctrl-C
        make_server(app, log_level="info").run(sockets=[sock])
    click.echo("stopped", err=True)
