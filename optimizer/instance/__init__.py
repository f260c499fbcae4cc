"""The numeric instance: a problem compiled once into immutable numpy arrays, the only
input of the solver back-ends (see :mod:`optimizer.instance.data` for the index
conventions and :mod:`optimizer.instance.compile` for the steps)."""

from optimizer.instance.arrays import UNLIMITED
from optimizer.instance.compile import compile_instance
from optimizer.instance.data import NO_DUE_S, Instance

__all__ = ["NO_DUE_S", "UNLIMITED", "Instance", "compile_instance"]
