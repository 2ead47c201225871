"""The tables of the panels area, one module per domain, importing only each other and the core.

They form a tree, each pointing at the one it hangs off: cases ← panels ← contributions,
sessions, learning ← actions. The operations, queries, rules and views import them; they
import none of those.
"""
