"""
Building nengo_lmu networks for Loihi, and checking networks against the chip.

`LoihiLegendreMemory` and `LoihiLMUCell` build the memory and the LMU cell in
the form the chip runs well; `choose_input_copies` and `state_peaks` tune them
to the chip and to the data; `check` reports what a network will use on the
chip, or refuses it with the reason, before `nengo_loihi.Simulator` is called.
This package imports without nengo_loihi; what needs it imports it when called.
"""

from nengo_lmu.loihi.cell import LoihiLMUCell
from nengo_lmu.loihi.check import LoihiReport, check
from nengo_lmu.loihi.chip import (
    CELL_LATENCY_STEPS,
    CHIP_TAU,
    DECODE_TAU,
    LOIHI_LATENCY_STEPS,
    MAX_NEURONS_PER_CORE,
    MIN_COUPLING,
    chip_neuron_model,
)
from nengo_lmu.loihi.memory import LoihiLegendreMemory, Paired
from nengo_lmu.loihi.tuning import choose_input_copies, state_peaks
