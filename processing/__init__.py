"""The QGIS Processing provider ``wijkkracht`` (QGIS glue; the library never imports it).

* :mod:`.provider`: the provider and :data:`~.provider.ALGORITHMS`, the one list of algorithms;
* :mod:`.base`: the algorithm base class and the shared parameters;
* ``alg_*``: the algorithms, thin wrappers over :mod:`wijkkracht.core` and friends;
* :mod:`.convert`: QGIS features <-> GeoDataFrames, in memory;
* :mod:`.styling`: styles and attribution of the layers loaded into the project;
* :mod:`.dependencies`: which packages each algorithm needs (checked without importing them);
* :mod:`.i18n` and :mod:`.i18n_nl`: Dutch.
"""
