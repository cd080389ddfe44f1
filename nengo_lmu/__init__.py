"""
nengo_lmu: Legendre Memory Units in Nengo.

The Legendre delay system, its discretizations and its mapping onto neural
synapses (NEF Principle 3), as the base of spiking LMU networks.
"""

from nengo_lmu.cell import LMUCell
from nengo_lmu.legendre import LegendreDelay
from nengo_lmu.mapping import map_system, map_to_synapse
from nengo_lmu.memory import LegendreMemory
from nengo_lmu.neurons import measure_lead_gain
from nengo_lmu.plan import MemoryPlan, plan_memory
from nengo_lmu.realization import StateScaling
from nengo_lmu.system import LinearSystem, discretize, simulate
from nengo_lmu.version import version as __version__
from nengo_lmu.weights import load_weights, save_weights, weights_from_keras
