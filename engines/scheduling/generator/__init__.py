"""The seeded IOPBench instance generator (version 2, planted): see build.generate."""

from engines.scheduling.generator.build import GENERATOR_VERSION, SIZES, Generated, generate

__all__ = ["GENERATOR_VERSION", "SIZES", "Generated", "generate"]
