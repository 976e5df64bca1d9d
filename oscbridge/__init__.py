"""oscbridge: place and move sound with words.

Plain-language spatial cues in, OSC for real spatializers out. The canonical frame
(azimuth 0 = front, +90 = left; see ``oscbridge.params``) is used everywhere inside;
conversion to a target's conventions happens only in ``oscbridge.mapping``.
"""

__version__ = "0.1.0"
