"""Composite steps of the preprocessing job (Beam layer 2: PTransforms with only expand())."""

from __future__ import annotations

import apache_beam as beam

from facedata.pipeline.dofns import (
    QUARANTINE,
    AssignShardFn,
    DropDuplicateContentFn,
    DropDuplicatesFn,
    ImageOptions,
    ProcessRecordFn,
    ReadSourceFn,
    WriteQuarantineFn,
    WriteShardFn,
    record_split,
)


class ReadRecords(beam.PTransform):
    """Raw folder -> CanonicalRecords (main) and adapter rejections (`quarantine`).

    The adapter runs in one worker. The GroupByKey of DropDuplicates, which follows, is what
    spreads the records over the workers (pitfalls, "Beam and TFRecords": some shuffle must
    follow the read); a Reshuffle as well would only move every record once more.
    """

    def __init__(self, adapter) -> None:
        super().__init__()
        self.adapter = adapter

    def expand(self, pbegin):
        read = (
            pbegin
            | "Seed" >> beam.Create([None])
            | "RunAdapter" >> beam.ParDo(ReadSourceFn(self.adapter)).with_outputs(
                QUARANTINE, main="records")
        )
        return {"records": read.records, QUARANTINE: read[QUARANTINE]}


class DropDuplicates(beam.PTransform):
    """One record per sample id; the others go to `quarantine` as duplicate_id."""

    def expand(self, records):
        return (
            records
            | "KeyById" >> beam.Map(lambda r: (r.sample_id, r))
            | "GroupById" >> beam.GroupByKey()
            | "KeepFirst" >> beam.ParDo(DropDuplicatesFn()).with_outputs(QUARANTINE, main="records")
        )


class DropDuplicateContent(beam.PTransform):
    """One Example per image content (sha256 of the bytes, plus the box); others to `quarantine`."""

    def expand(self, examples):
        return (
            examples
            | "KeyByContent" >> beam.Map(lambda item: (item["content"], item))
            | "GroupByContent" >> beam.GroupByKey()
            | "KeepSmallestId" >> beam.ParDo(DropDuplicateContentFn()).with_outputs(QUARANTINE, main="examples")
        )


class MakeExamples(beam.PTransform):
    """Decode, validate, crop (or detect), resize, encode, split: Example bytes per record."""

    def __init__(self, options: ImageOptions) -> None:
        super().__init__()
        self.options = options

    def expand(self, records):
        return records | "Process" >> beam.ParDo(ProcessRecordFn(self.options)).with_outputs(
            QUARANTINE, main="examples")


class CountPerSplit(beam.PTransform):
    """Records per split, as read: what sets each split's shard count."""

    def __init__(self, options: ImageOptions) -> None:
        super().__init__()
        self.options = options

    def expand(self, records):
        options = self.options
        return (
            records
            | "SplitOf" >> beam.Map(lambda record: (record_split(record, options), 1))
            | "Sum" >> beam.CombinePerKey(sum)
        )


class WriteShards(beam.PTransform):
    """Groups Examples into shards by a hash of the id and writes each shard deterministically.

    The shard counts come from `split_counts` (CountPerSplit on the records as read), computed
    before the processing stage: counting the Examples instead would hold every encoded image
    back until the count is done, and move it through the runner twice more.
    """

    def __init__(self, out_dir: str, tasks: tuple[str, ...], num_shards: int | None,
                 records_per_shard: int, split_counts) -> None:
        super().__init__()
        self.out_dir, self.tasks = out_dir, tasks
        self.num_shards, self.records_per_shard = num_shards, records_per_shard
        self.split_counts = split_counts

    def expand(self, examples):
        return (
            examples
            | "AssignShard" >> beam.ParDo(AssignShardFn(self.num_shards, self.records_per_shard),
                                          beam.pvalue.AsDict(self.split_counts))
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
