"""Composite steps of the preprocessing job (Beam layer 2: PTransforms with only expand())."""

from __future__ import annotations

import apache_beam as beam

from facedata.pipeline.dofns import (
    QUARANTINE,
    AssignShardFn,
    DropDuplicatesFn,
    ImageOptions,
    ProcessRecordFn,
    ReadSourceFn,
    WriteQuarantineFn,
    WriteShardFn,
)


class ReadRecords(beam.PTransform):
    """Raw folder -> CanonicalRecords (main) and adapter rejections (`quarantine`).

    The Reshuffle after the read spreads the records over workers; without it a multi-process
    DirectRunner did all the work in one process (pitfalls, "Beam and TFRecords").
    """

    def __init__(self, source: str, root: str, options: dict) -> None:
        super().__init__()
        self.source, self.root, self.options = source, root, options

    def expand(self, pbegin):
        read = (
            pbegin
            | "Seed" >> beam.Create([None])
            | "RunAdapter" >> beam.ParDo(ReadSourceFn(self.source, self.root, self.options)).with_outputs(
                QUARANTINE, main="records")
        )
        records = read.records | "Spread" >> beam.Reshuffle()
        return {"records": records, QUARANTINE: read[QUARANTINE]}


class DropDuplicates(beam.PTransform):
    """One record per sample id; the others go to `quarantine` as duplicate_id."""

    def expand(self, records):
        return (
            records
            | "KeyById" >> beam.Map(lambda r: (r.sample_id, r))
            | "GroupById" >> beam.GroupByKey()
            | "KeepFirst" >> beam.ParDo(DropDuplicatesFn()).with_outputs(QUARANTINE, main="records")
        )


class MakeExamples(beam.PTransform):
    """Decode, validate, crop (or detect), resize, encode, split: Example bytes per record."""

    def __init__(self, options: ImageOptions) -> None:
        super().__init__()
        self.options = options

    def expand(self, records):
        return records | "Process" >> beam.ParDo(ProcessRecordFn(self.options)).with_outputs(
            QUARANTINE, main="examples")


class WriteShards(beam.PTransform):
    """Groups Examples into shards by a hash of the id and writes each shard deterministically."""

    def __init__(self, out_dir: str, tasks: tuple[str, ...], num_shards: int | None,
                 records_per_shard: int) -> None:
        super().__init__()
        self.out_dir, self.tasks = out_dir, tasks
        self.num_shards, self.records_per_shard = num_shards, records_per_shard

    def expand(self, examples):
        counts = (
            examples
            | "SplitOf" >> beam.Map(lambda item: (item["split"], 1))
            | "CountPerSplit" >> beam.CombinePerKey(sum)
        )
        return (
            examples
            | "AssignShard" >> beam.ParDo(AssignShardFn(self.num_shards, self.records_per_shard),
                                          beam.pvalue.AsDict(counts))
            | "GroupByShard" >> beam.GroupByKey()
            | "WriteShard" >> beam.ParDo(WriteShardFn(self.out_dir, self.tasks))
        )


class WriteQuarantine(beam.PTransform):
    """Flattens every quarantine output and writes quarantine.jsonl."""

    def __init__(self, path: str) -> None:
        super().__init__()
        self.path = path

    def expand(self, quarantines):
        return (
            quarantines
            | "FlattenQuarantine" >> beam.Flatten()
            | "CollectQuarantine" >> beam.combiners.ToList()
            | "WriteQuarantineFile" >> beam.ParDo(WriteQuarantineFn(self.path))
        )
