"""qualcode: local, open-source qualitative interview coding and thematic analysis.

>>> import qualcode
>>> project = qualcode.open_project("study.qualcode")
>>> project.import_respondents("respondents.csv")
>>> project.import_file("HT3_interview.docx")
>>> project.segments().head()
"""

from qualcode.errors import QualcodeError
from qualcode.project import Project, open_project

__all__ = ["Project", "QualcodeError", "open_project"]
__version__ = "0.1.0"
