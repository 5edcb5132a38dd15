"""Chart plumbing: the pyqtgraph style, late loading of chart modules, the no-data label."""
