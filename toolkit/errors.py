"""Why an input did not become a record. Each message names what is wrong."""


class ReportError(Exception):
    """An input that cannot be read as an annual report; ``reason`` is a short code."""

    reason = "unreadable"

    def __init__(self, path, message: str):
        self.path = str(path)
        self.message = message
        super().__init__(f"{self.path}: {message}")


class EmptyFile(ReportError):
    reason = "empty"


class NotText(ReportError):
    reason = "not_text"


class UnsupportedFormat(ReportError):
    reason = "unsupported_format"


class NotAnnualReport(ReportError):
    reason = "not_annual_report"


class TablesMissing(ReportError):
    reason = "tables_missing"


class PreNationalFormat(TablesMissing):
    """The statistics table predates the national template (2008 regulation)."""

    reason = "pre_2019_format"


class EncryptedFile(ReportError):
    reason = "encrypted"


class DamagedFile(ReportError):
    """Truncated or corrupt: the file's own structure cannot be read."""

    reason = "damaged"


class ImageTooLarge(ReportError):
    """An image with more pixels than is decoded (a decompression bomb, or no page)."""

    reason = "image_too_large"


class TablesAreImages(TablesMissing):
    """The statistics tables are pictures that were not read (external, undecodable, too many)."""

    reason = "tables_are_images"


class TooManyPages(ReportError):
    """A PDF too long to read whole, in which no page's text names the statistics tables."""

    reason = "too_many_pages"


class TooDeeplyNested(ReportError):
    """A page whose elements nest deeper than is read, even with the nesting flattened."""

    reason = "too_deeply_nested"
