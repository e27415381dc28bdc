"""Analysis: co-occurrence, networks, group breakdowns, the overview matrix, rankings,
triangulation and the analyst's themes. Functions take DataFrames and return frames or
graphs; they never render."""
