"""Method presets (all-in-one, dml-lwf, sa-mtl, ...): one declarative TOML file each.

A preset is a bundle of settings that `--preset NAME` applies under the flags a user gives. Its
name is the file's stem; `description` is shown by `mtl list` and is not a setting; every other
key is a config setting, tables being the config's groups (`[pseudo] mode = "soft"` sets
`pseudo.mode`). faceschemas reads this folder as files (`faceschemas.catalogue`), so resolving a
preset imports nothing of this package; adding a preset is one new file.
"""
