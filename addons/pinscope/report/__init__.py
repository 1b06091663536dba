"""Session reports: the model, how it is built from a session, and how it is written."""

from pinscope.report.build import build_report
from pinscope.report.model import Report, report_schema
from pinscope.report.write import ReportPathError, check_report_path, write_report

__all__ = ["Report", "ReportPathError", "build_report", "check_report_path", "report_schema",
           "write_report"]
