"""The reader's language: the languages with the knowledge base's words
(`vocab/<lang>/kb.yml`), the one a request asks for, the member page's words in it.
"""

from __future__ import annotations


def reader_languages() -> tuple[str, ...]:
    """The languages a reader can pick: the language folders with the knowledge base's
    words (vocab/<lang>/kb.yml); a new folder is a new language, not new code."""
    from extract.lang.vocab import languages, load

    return tuple(lang for lang in languages() if load(lang).get("kb")) or ("en",)


def reader_language(request) -> str:
    """?lang= first, then the browser's Accept-Language, then English."""
    known = reader_languages()
    asked = request.args.get("lang")
    if asked in known:
        return asked
    for part in (request.headers.get("accept-language") or "").split(","):
        lang = part.split(";")[0].strip()[:2].lower()
        if lang in known:
            return lang
    return "en" if "en" in known else known[0]


def words_of(lang: str) -> dict[str, str]:
    """The member page's words in one language (vocab/<lang>/kb.yml), English where the
    folder lacks one."""
    from extract.lang.vocab import load

    english = (load("en").get("kb") or {}).get("member_page") or {}
    own = (load(lang).get("kb") or {}).get("member_page") or {}
    return {**english, **own}


def language_names() -> dict[str, str]:
    from extract.lang.vocab import load

    return {lang: (load(lang).get("kb") or {}).get("name", lang) for lang in reader_languages()}


def language_names_en() -> dict[str, str]:
    from extract.store.views import language_name

    return {lang: language_name(lang) for lang in reader_languages()}
