"""`mtl export`: a trained run, a model file or a preset to SavedModel / TFLite / TFLite int8."""

from __future__ import annotations

import click

from mtl_tools.errors import user_errors

# facemodels imports TensorFlow: imported inside the command so `mtl --help` stays fast.


@click.command("export")
@click.argument("source", metavar="RUN_OR_MODEL_OR_PRESET")
@click.option("--format", "fmt", required=True, help="Export format: savedmodel, tflite or tflite-int8.")
@click.option("--out", type=click.Path(), required=True, help="Output file (.tflite) or folder (SavedModel).")
@click.option("--models-dir", type=click.Path(file_okay=False), default=None, help="Models folder for presets.")
@click.option("--trust-model", is_flag=True,
              help="Load a model file even if its layers carry Python code (Lambda, custom classes).")
@user_errors(KeyError, FileNotFoundError, ValueError, OSError)
def command(source: str, fmt: str, out: str, models_dir: str | None, trust_model: bool) -> None:
    """Export RUN_OR_MODEL_OR_PRESET (a run folder with model.keras, a .keras file or a preset).

    The exported signature takes a batch of uint8 face crops at the model's input size and
    returns every task's probabilities. A model file whose layers carry Python code is refused
    (one line naming the layer) unless --trust-model is given.
    """
    from facemodels.export import EXPORTERS, export_model, task_outputs
    from facemodels.resolve import resolve_model
    from facemodels.saving import trusted_models

    if fmt not in EXPORTERS:  # checked before the (slow) model load
        raise ValueError(f"--format: unknown format {fmt!r}; known: {', '.join(EXPORTERS.names())}")

    with trusted_models(trust_model):
        model = resolve_model(source, models_dir)
    path = export_model(model, out, fmt)
    shape = "x".join(str(v) for v in model.input_shape[1:])
    click.echo(f"exported {model.name} ({', '.join(task_outputs(model))}; uint8 {shape}) as {fmt} to {path}")
