"""Chinese keyword search that an index serves for terms of every length.

PostgreSQL's trigram index cannot serve one- or two-character terms (and most
Chinese keywords are two characters: 法律, 融资, 培训), and its parsers do not
split Chinese into words. So text is indexed as a `tsvector` of character
unigrams and bigrams with their positions, under the `simple` configuration:

    "法律服务" -> '法':1 '法律':1 '律':2 '律服':2 '服':3 '服务':3 '务':4

A query becomes a phrase of bigrams (`'法律' <-> '律服' <-> '服务'`), or one
unigram for a one-character term, so a GIN index on the column answers it.
Latin words and numbers are indexed whole, in lower case. On SQLite (development)
the same searches fall back to substring matching.
"""

import re

from django.contrib.postgres.search import SearchQuery, SearchVectorField
from django.db import connection
from django.db.models import Q, Value
from django.db.models.functions import Cast

# Runs of CJK ideographs, or of Latin letters / digits; anything else separates.
TOKEN_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[0-9a-z]+", re.IGNORECASE)
CJK_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
MAX_POSITION = 16383  # PostgreSQL's limit for tsvector positions
MAX_QUERY_TERMS = 8


def _quote(lexeme: str) -> str:
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


def tsvector_literal(*texts: str) -> str:
    """The tsvector text of unigrams and bigrams (CJK) and whole words (Latin)."""
    positions: dict[str, list[int]] = {}
    position = 1
    for text in texts:
        for match in TOKEN_RE.finditer((text or "").lower()):
            run = match.group()
            if CJK_RE.match(run):
                for index, char in enumerate(run):
                    here = min(position + index, MAX_POSITION)
                    positions.setdefault(char, []).append(here)
                    if index + 1 < len(run):
                        positions.setdefault(run[index : index + 2], []).append(here)
                position += len(run) + 1  # a gap: no phrase spans two runs
            else:
                positions.setdefault(run, []).append(min(position, MAX_POSITION))
                position += 2
        position += 1
    return " ".join(
        f"{_quote(lexeme)}:{','.join(str(p) for p in sorted(set(places))[:256])}"
        for lexeme, places in positions.items()
    )


def tsvector_value(*texts: str):
    """An expression that stores `tsvector_literal(*texts)` in a SearchVectorField."""
    return Cast(Value(tsvector_literal(*texts)), output_field=SearchVectorField())


def query_terms(keyword: str) -> list[str]:
    """The terms of a keyword as the user typed it (CJK runs and Latin words)."""
    return [match.group().lower() for match in TOKEN_RE.finditer(keyword or "")][:MAX_QUERY_TERMS]


def tsquery_text(keyword: str) -> str:
    """A raw tsquery: every term must match; a CJK term as a phrase of bigrams."""
    parts = []
    for term in query_terms(keyword):
        if CJK_RE.match(term) and len(term) > 1:
            bigrams = [_quote(term[i : i + 2]) for i in range(len(term) - 1)]
            parts.append("(" + " <-> ".join(bigrams) + ")")
        else:
            parts.append(_quote(term))
    return " & ".join(parts)


class LiteralTsQuery(SearchQuery):
    """A tsquery written out in full, cast as is (`'法律' <-> '律服'::tsquery`).

    Unlike to_tsquery() it runs no parser or dictionary over the lexemes, so
    the query holds exactly the unigrams and bigrams the index holds, whatever
    the database's locale.
    """

    def __init__(self, text: str):
        super().__init__(text, search_type="raw")
        self.text = text

    def as_sql(self, compiler, connection, **extra_context):
        return "%s::tsquery", [self.text]


def keyword_filter(keyword: str, *, vector_fields: list[str], text_fields: list[str]) -> Q | None:
    """A filter matching `keyword` in any of the given fields, or None for no keyword.

    PostgreSQL: the indexed `vector_fields`; elsewhere: `icontains` on
    `text_fields` (every term must appear in one of them).
    """
    terms = query_terms(keyword)
    if not terms:
        return None
    if connection.vendor == "postgresql":
        query = LiteralTsQuery(tsquery_text(keyword))
        condition = Q()
        for field in vector_fields:
            condition |= Q(**{field: query})
        return condition
    condition = Q()
    for term in terms:
        any_field = Q()
        for field in text_fields:
            any_field |= Q(**{f"{field}__icontains": term})
        condition &= any_field
    return condition


def create_gin_index(table: str, column: str, name: str):
    """A migration operation: a GIN index on a tsvector column, on PostgreSQL only
    (SQLite keeps the column, unused, and searches by substring)."""
    from django.db import migrations

    def forwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            # Names come from our migrations, never from a request.
            # nosemgrep: raw-sql
            schema_editor.execute(f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" USING gin ("{column}")')

    def backwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            # nosemgrep: raw-sql
            schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')

    return migrations.RunPython(forwards, backwards, elidable=False)
