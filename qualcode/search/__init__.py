"""Text search over a project: keyword in context, auto-coding, saved searches, words.

* :mod:`qualcode.search.index` keeps the search index (built lazily on the first search,
  updated for documents imported since);
* :mod:`qualcode.search.search` finds words, phrases, alternatives or regular
  expressions and returns keyword-in-context hits, with counts per document and group;
* :mod:`qualcode.search.autocode` codes hits (segment or turn) in one undoable step;
* :mod:`qualcode.search.saved` keeps named searches to run again;
* :mod:`qualcode.search.words` counts content words and compares groups (keyness).

Every function takes a SQLAlchemy ``Session``; the caller owns the transaction.

Import from the modules (``from qualcode.search.search import search``): the package does
not re-export, because the modules ``search`` and ``autocode`` share their names with
their main functions.
"""
