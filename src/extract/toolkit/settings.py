"""Every threshold that tunes the reading, in one place: one frozen dataclass per stage,
each field typed, with its default and the reason for that value (as pdfplumber's
`TableSettings` holds the table finder's).

The stages read their own instance, bound as a module global (`LAYOUT.y_tolerance` in
`extract.pdf.layout`, `MATRIX.phrase_gap` in the members matrix), so a bench or a test
swaps one stage's settings for a run with `module.MATRIX = dataclasses.replace(...)`.
A function that already takes the value as an argument (`split_line(line, gap_ratio)`,
`group_blocks(words, leading, gutter)`, `crop_rows(..., scale)`, `Resolver(...,
fuzzy_threshold)`) has the setting as its default, bound at import: pass the argument.
The module sits in the toolkit, the lowest layer, so every stage may import it; it
imports nothing of the package itself.

Lengths are in points (1/72 in) or in font sizes (`em`: a multiple of the type size of
the words measured), scores are rapidfuzz's 0..100 unless said otherwise, shares are
0..1. `python -m extract.toolkit.settings` prints `docs/settings.md` (a test checks it).

A field is validated when its settings are built: its value has the declared type and is
not negative, so `LayoutSettings(y_tolerance="2")` is a `TypeError` naming the field.
"""

import dataclasses
from dataclasses import dataclass, field
from typing import Any


def knob(default: Any, why: str) -> Any:
    """A setting: its default and the one-line reason for that value."""
    return field(default=default, metadata={"why": why})


def type_name(f: dataclasses.Field[Any]) -> str:
    """A field's declared type by name (`float`): this module declares real types, not strings."""
    return f.type.__name__ if isinstance(f.type, type) else str(f.type)


class _Validated:
    """Each field of the declared type (an int is no float's place, nor a bool an int's)
    and not negative."""

    def __post_init__(self) -> None:
        for f in dataclasses.fields(self):  # type: ignore[arg-type]
            value = getattr(self, f.name)
            if type(value) is not f.type:
                raise TypeError(f"{type(self).__name__}.{f.name}: {value!r} is not {type_name(f)}")
            if value < 0:
                raise ValueError(f"{type(self).__name__}.{f.name}: {value!r} is negative")


@dataclass(frozen=True)
class GeometrySettings(_Validated):
    """`extract.toolkit.geometry`: words into lines and blocks."""

    line_tolerance: float = knob(1.5, "points: the line tolerance never drops below this, however small the type (coordinates are rounded)")
    line_tolerance_ratio: float = knob(0.35, "em: words whose middles are this many of their type sizes apart or less share a line (a line pitch is 1.2 em or more)")
    gutter: float = knob(1.2, "em: white wider than this between two words of a line is a gutter between side-by-side texts (a word space is ~0.3 em)")
    leading: float = knob(0.9, "em: white between two lines of one block at most (a paragraph's leading is ~0.2 em, a gap between blocks wider)")
    overlap: float = knob(0.5, "em: a line may start this far above the previous one's bottom and still stack under it (descenders, tight leading)")
    centre_slack: float = knob(0.5, "points: a word's centre may lie this far outside a box and still be inside it (rounding of coordinates)")


@dataclass(frozen=True)
class LayoutSettings(_Validated):
    """`extract.pdf.layout`: chars, shapes and rules of a page into words, marks and rules."""

    x_tolerance_ratio: float = knob(0.14, "em: between letter-spacing inside a word (up to 0.1 em) and a tight justified word gap in a narrow face (Times: 70% of 0.25 em); pdfplumber's x_tolerance_ratio; tests/test_layout.py")
    y_tolerance: float = knob(2.0, "points: chars whose tops are this close to a line's first char are on that line")
    margin_band: float = knob(0.045, "share of the page height: folios and running headers live in bands this high at the top and bottom")
    min_box: float = knob(2.0, "points: a filled shape thinner than this is a rule or a dot, not a box")
    page_box: float = knob(0.9, "share of both page dimensions: a shape covering this much is a page background")
    red_hue_low: int = knob(15, "degrees: hues up to this one are red (orange starts ~20°)")
    red_hue_high: int = knob(340, "degrees: hues from this one on are red (magenta ends ~330°)")
    red_saturation: float = knob(0.45, "HLS saturation 0..1: a red at least this saturated (a brownish or greyed red is not the legend's red)")
    red_lightness_low: float = knob(0.2, "HLS lightness 0..1: darker is black ink")
    red_lightness_high: float = knob(0.75, "HLS lightness 0..1: lighter is a pink tint")
    min_spaced_glyphs: int = knob(3, "letters: a run of single glyphs spells a letter-spaced word when it holds this many letters or digits (not `L & P`)")
    letter_gap: float = knob(2.0, "em: letter-spaced glyphs of one line stand at most this far apart, word gaps included")
    word_gap: float = knob(0.2, "em: inside a letter-spaced line, a word gap is wider than the letters' own spacing by this much (a space is ~0.3 em)")
    same_size: float = knob(0.05, "share of the type size: glyphs of one spaced-out word differ in size by this much at most")
    letter_overlap: float = knob(0.1, "em: spaced-out glyphs may overlap this much (kerning) and still follow each other")
    blank_slack: float = knob(0.5, "points: a space character this far into its neighbours' boxes still stands between them")
    turned_across: float = knob(0.3, "em: chars of one turned line have middles this close across the line")
    turned_word_gap: float = knob(0.25, "em: white along a turned line wider than this starts another word")
    max_shape: float = knob(24.0, "points: a drawn mark is at most this big either way; larger is a box or shading")
    min_shape: float = knob(1.5, "points: a drawn mark is at least this big both ways; thinner is a rule or a border segment")
    max_shapes: int = knob(3000, "small drawings: a page with more is a map or an illustration drawn in strokes, not marks in cells")
    shape_touch: float = knob(0.5, "points: drawings this close are pieces of one mark")
    light: float = knob(0.85, "RGB 0..1: a fill this light in every channel is a background tint")
    turn_majority: float = knob(0.8, "share of a page's chars that must run at one turn for the page to be read turned")
    min_rule: float = knob(12.0, "points: horizontal edges shorter than this are underlines, ticks or glyph bits, not rules")
    turn_sample: int = knob(64, "chars sampled per page (pdfium pre-pass) to tell which way its text runs")


@dataclass(frozen=True)
class PrepassSettings(_Validated):
    """`extract.pdf.prepass`: pdfium's fast text, repaired."""

    min_glyph_run: int = knob(3, "letters: fewer single letters than this in a row are words of their own (`à`, `y`, `L & P`)")
    min_glued: int = knob(5, "numbers: a run of glued integers is undone when it holds this many consecutive numbers (`123456789` is days 1..9; `2021`, `1234` stay)")
    missing_days: int = knob(2, "day numbers a calendar run may lack (read into a neighbour's text some other way)")


@dataclass(frozen=True)
class CropSettings(_Validated):
    """`extract.pdf.provenance`: the image of a value's box on its page."""

    scale: float = knob(1.5, "x 72 dpi = 108 dpi: a matrix cell or a title stays legible, a crop stays a few kB")
    padding: float = knob(4.0, "points of context around a box")
    min_size: float = knob(24.0, "points: small boxes (a `Yes` cell) are cropped at least this big")


@dataclass(frozen=True)
class LanguageSettings(_Validated):
    """`extract.lang.identify`: the language and the cover of a report."""

    min_stopwords: int = knob(5, "function words of a vocabulary folder that must occur in the text (evidence that the folder's words are the report's)")
    max_text: int = knob(200_000, "characters pycld2 reads at most; a report's language shows in far less")
    cover_lines: int = knob(6, "lines: a cover's title stands within its first lines")
    cover_max_words: int = knob(120, "words: a cover holds few words besides its title (a publication tile titled `Rapport annuel 2020` sits among many)")
    cover_other_words: int = knob(2, "words a title's line may hold besides the title (`metropolis`, a subtitle's word)")
    cover_pages: int = knob(2, "pages: the cover is the first page with text or the one after it (a title page behind a picture cover)")


@dataclass(frozen=True)
class NameSettings(_Validated):
    """`extract.names`: the gazetteer and the resolver of printed names."""

    fuzzy_min_population: int = knob(50_000, "people: fuzzy matching looks only at places this big (members and the cities reports name are large; a smaller pool keeps speed and false matches down)")
    first_word_min_population: int = knob(100_000, "people: places of a multi-word name this big are indexed under their first word too, so `Bandar` is seen to be shared")
    min_alternate_length: int = knob(4, "characters: a shorter alternate name is mostly a code or a word (`Yes` is one of Yasuj's) and counts only as a place's own name")
    fuzzy_threshold: float = knob(90.0, "fuzz.ratio: chosen on half of tests/data/labelled_names.csv (highest false match 88.9), precision 1.000 recall 0.981 on the other half (README)")
    review_floor: float = knob(70.0, "fuzz.ratio: candidates shown to the archivist in name_review start at this score")
    fuzzy_min_length: int = knob(5, "characters: shorter keys match too much by chance (`Lima` ~ `Lira`): no fuzzy match below")
    own_name_factor: int = knob(10, "times: a place's own name beats another place's alternate name unless that one is this many times more populous")
    notable_population: int = knob(100_000, "people: a place this big bearing a name makes the name ambiguous (measured on the ambiguous rows of tests/data/labelled_names.csv)")
    rival_ratio: float = knob(0.1, "share of the first place's population a second place of the name must reach to be a rival (Victoria BC vs Victoria AU are; Alexandria VA vs Egypt's is not)")


@dataclass(frozen=True)
class ProseSettings(_Validated):
    """`extract.sections.prose` and `extract.names.places`: places named in running text."""

    min_population: int = knob(100_000, "people: places this big are worth matching in running text; smaller ones' names are too often words or surnames (curated aliases always count)")
    min_key_length: int = knob(4, "characters: a gazetteer key shorter than this is not looked for in running text (too many are words)")
    max_tokens: int = knob(6, "words: the longest place name tried at a capitalised word")
    marker_score: int = knob(90, "partial_ratio: a section phrase scores this much on a page to mark it")
    context_chars: int = knob(70, "characters of text kept each side of a mention")


@dataclass(frozen=True)
class ListSettings(_Validated):
    """`extract.sections.lists`: named lists of members (metropolitan spaces, pilots...)."""

    marker_score: int = knob(90, "partial_ratio: a list's title phrase scores this much on a page")
    min_items: int = knob(5, "names: a list has at least this many")
    min_item_share: float = knob(0.8, "share of the blocks under a list's title that are names")
    max_item_words: int = knob(6, "words: a longer block is a sentence, not a list item")
    card_ratio: float = knob(1.1, "times the page's median word size: a card's place is printed this large or larger")


@dataclass(frozen=True)
class CalendarSettings(_Validated):
    """`extract.sections.calendar` (and the pre-pass's repair of day numbers)."""

    same_title: int = knob(90, "fuzz.ratio: a copy on the next month's page whose title scores this much against an event cut at its month's end is that event read differently")
    min_days: int = knob(28, "day numbers: a calendar month page runs 1..28 at least, in order down the page")
    segment_gap: float = knob(0.8, "em: white between words wider than this separates side-by-side events")
    line_gap: float = knob(0.6, "em: a line this close under the previous one continues its event")
    min_dated: int = knob(3, "lines: an agenda page has a month heading over at least this many lines that start with a date")
    piece_gap: float = knob(1.5, "em: white wider than this cuts a line into side-by-side pieces (a footnote beside the folio, month headings side by side, agenda columns)")
    prefix_score: int = knob(85, "fuzz.ratio: a printed prefix (`WEBINAR |`) scoring this much against a vocabulary prefix is that prefix")
    footnote_score: int = knob(85, "partial_ratio: a starred line scoring this much against a footnote phrase is the gender footnote")
    max_prefix_words: int = knob(8, "words: an upper-case prefix before `|` is this short at most (`10 ANS APRÈS |`)")
    max_location_words: int = knob(4, "words: each part of a `City, Country` location line is this short at most")
    day_align: float = knob(0.3, "em (median day-number size): day numbers whose left or right edges are this close stand in one column")
    box_reach: float = knob(0.8, "em (day-number size): a word this close to an event box belongs to it")
    row_tolerance: float = knob(0.5, "em (day-number size): a line this close to a day number's top is in that day's row")
    level_tolerance: float = knob(0.35, "em (day-number size): a line this level with its day number starts that day's entry")
    line_overlap: float = knob(0.3, "em: a line may start this far above the previous line's bottom and still continue its event")
    max_heading_chars: int = knob(40, "characters: a line this short may be a letter-spaced or split month heading (`Ene ro (cont.)`)")
    slack: float = knob(0.5, "points: edges this close are touching (coordinates of one drawing differ by rounding)")
    heading_drop: float = knob(0.5, "em (day-number size): a month heading ends at most this far below the first day's top; an agenda's entries start at most this far above its first heading")
    heading_reach: float = knob(4.0, "em (day-number size): a month heading may start this far left of its day column")
    month_top: float = knob(0.6, "em (day-number size): a month's events start this far above its day 1 at most")
    max_place_words: int = knob(3, "words: a lone last line longer than this is no wrapped place name")
    word_space: float = knob(0.3, "em: the space a line that took the next line's word would need (a word space is ~0.3 em)")
    agenda_column_gap: float = knob(3.0, "em: month headings of an agenda whose left edges are further apart start separate columns")


@dataclass(frozen=True)
class KeyFigureSettings(_Validated):
    """`extract.sections.key_figures`: the headline numbers and their labels."""

    min_score: int = knob(88, "fuzz.ratio: a label compared with as many characters after the number as it has; below, the words are not that label (tolerates a typo or a missing space)")
    max_connector_words: int = knob(2, "words passed over between a number and its label (`21 of them focused on`), so a sentence never runs into a label several words on")
    max_connector_length: int = knob(7, "characters: each passed-over word is this short at most, letters only")
    big_ratio: float = knob(1.5, "times the page's median word size: a headline number is printed this large at least")
    number_space: float = knob(0.5, "em: the words of one number (`72,7 %`, `1 200`) are a space apart; two numbers side by side are further")
    heading_gap: float = knob(2.0, "em: a large word of letters this close to a large number makes it a heading's number (`LINE OF ACTION 1`)")
    collision: float = knob(0.1, "em: two words of one line overlapping more are two texts drawn over each other, not kerning slop")
    beside: float = knob(1.0, "number sizes: a label beside its number starts this close to its right edge")
    aligned: float = knob(1e6, "a gap where a label line is flush with a number's edge outranks any plain gap by this score")
    glued_word: int = knob(8, "letters per word on average: a line whose words ran together, not prose")
    gutter: float = knob(2.0, "em: white wider than this inside a tile's piece of a line is a gutter to text that is no tile's (a budget column beside the last funding tile)")


@dataclass(frozen=True)
class PublicationSettings(_Validated):
    """`extract.sections.publications`: tiles of publications and products with their links."""

    cover: float = knob(0.5, "share of a tile's block a link covers to be the tile's link")
    max_continuation: int = knob(4, "pages a run of tiles may continue over without a heading of its own")
    legend_score: int = knob(85, "fuzz.ratio: a line scoring this much against a legend label is the legend, not a tile")
    color_tolerance: float = knob(0.08, "RGB 0..1 per channel: a tile's colour and its legend swatch's differ this much at most")


@dataclass(frozen=True)
class PlanSettings(_Validated):
    """`extract.sections.plan`: deliverables of the strategic plan."""

    mark_reach: float = knob(3.5, "em: how far left of a code its swatch or mark may stand")
    max_colour_distance: float = knob(0.35, "RGB distance: colours further apart are not the legend's swatch")
    min_codes: int = knob(3, "codes on a page that make it a plan page even without its heading")


@dataclass(frozen=True)
class BudgetSettings(_Validated):
    """`extract.sections.budget`: the budget split between programmes."""

    big_ratio: float = knob(1.5, "times the page's median word size: a funding share is printed this large")
    rounding: float = knob(0.005, "share per line: shares sum to 100 % within the printed rounding (half a point each)")
    marker_score: int = knob(90, "partial_ratio: a budget phrase scores this much in a line")
    min_codes: int = knob(3, "programme codes (`P123`) on a page that, with a budget phrase or a `%`, make it a budget page")
    leading: float = knob(0.9, "em: lines of one label are this far apart at most (white between them)")


@dataclass(frozen=True)
class MemberSettings(_Validated):
    """`extract.sections.members`: which pages hold the members matrix."""

    min_rows: int = knob(10, "rows: a page of this many matrix rows (a name, then cells), half its lines or more, is a matrix page by its structure")
    decoration_score: int = knob(85, "fuzz score: a line scoring this much against a heading or legend phrase is decoration")
    head_chars: int = knob(200, "characters: a heading stands within this many of the top of its page's text")
    small_share: float = knob(0.5, "share of the words on a page of rows that may be in small letters (pieces of names a text layer cut, `de`); far more in prose")
    continuation_rows: int = knob(3, "names and cells: the last page of a matrix holds at least this many of each")


@dataclass(frozen=True)
class MatrixSettings(_Validated):
    """`extract.sections.members.matrix`: names, rows and columns of the members matrix."""

    phrase_gap: float = knob(0.6, "em: white between words of one title line wider than this starts another column's title (a word space is ~0.3 em)")
    name_join_gap: float = knob(0.45, "em: two name lines this close (white between them) may be one name")
    cell_reach: float = knob(1.2, "em: a cell further than this from every name is not part of a row")
    name_gap: float = knob(1.0, "em: words of a name are a space apart; a wider gap ends the name")
    name_indent: float = knob(2.5, "em: a name line (a continuation may be indented) starts this close to the names column")
    max_name_lines: int = knob(4, "lines a name runs over at most")
    band_slop: float = knob(0.1, "share of a cell word's height: it joins the band above when it starts above the band's bottom by more (a row's cells overlap; the next row's do not)")
    band_touch: float = knob(0.15, "share of the smaller height: a band is beside a name line when their heights overlap this much")
    gap_weight: float = knob(1.0, "cost per em of white between name lines off the name/row threshold")
    band_cost: float = knob(1.0, "cost of a band of cells with no name, or a name with two bands")
    separator_cost: float = knob(2.0, "cost of a rule crossed inside a name")
    align_cost: float = knob(0.5, "cost, on a page whose cells are centred between name lines, of a name whose band sits beside its first or last line only")
    min_jump: float = knob(0.2, "em: whites between name lines this far apart are leading on one side and row gaps on the other")
    strong_gap: float = knob(0.5, "em: white this far above the threshold inside one name is worth a doubt")
    turned_title_gap: float = knob(0.5, "em: lines of one title turned on its side stand a line's leading apart; two columns' titles a wider gutter")
    column_align: float = knob(0.5, "em: lines starting this close to each other start at one column (names column, title pieces right of it)")
    wordy_length: int = knob(4, "letters: a word this long tells titles and names from cells (`Yes`, `3`, `L & P`)")
    title_word_length: int = knob(3, "letters: shorter words are not weighed when telling titles from other text")
    title_hits: int = knob(2, "title words (of the vocabulary) that header text holds at least")
    title_share: float = knob(0.4, "share of header text's words that are title words at least")
    legend_stack_gap: float = knob(1.0, "em: a legend beside the header is packed as tightly as title lines: no white wider between its lines")
    turned_overlap: float = knob(0.5, "share of the smaller height: titles on their side whose heights overlap this much are one header block")


@dataclass(frozen=True)
class TitleSettings(_Validated):
    """`extract.sections.members.titles`: a column's printed title to its indicator."""

    min_score: float = knob(0.6, "share of a title's weighted words the indicator's notions explain; below, the column stays unknown (bench/column_titles.py --sweep)")
    margin: float = knob(0.15, "score: no other free indicator may score within this much of the chosen one")
    sure_score: float = knob(0.8, "score: a mapped title under this is listed in column_review for a look")
    veto_share: float = knob(0.2, "share of a column's cells contradicting the indicator's kind of cells that rules it out (a stray misplaced cell alone does not)")


@dataclass(frozen=True)
class LegendSettings(_Validated):
    """`extract.sections.members.legend`: names printed in a legend's colour."""

    ink: float = knob(0.25, "RGB distance (0..1.7): ink this far from black is a colour, not black text")
    same_ink: float = knob(0.2, "RGB distance: a name printed this close to the legend's own ink is in that colour")
    hue: float = knob(25.0, "degrees: a name's ink within this hue of the colour a legend word names is that colour")


@dataclass(frozen=True)
class InventorySettings(_Validated):
    """`extract.pipeline.inventory`: which section reads which page."""

    max_gap: int = knob(2, "pages: a section's run fills a gap of unclaimed pages this long at most; longer is another part of the report")
    few_words: int = knob(15, "words: a page no section chose with fewer is a divider, a picture or a title")


@dataclass(frozen=True)
class GateSettings(_Validated):
    """`extract.pipeline.gates` and `.siblings`: the checks a report must pass."""

    min_chars: int = knob(20, "characters: a page where the pre-pass found fewer is not judged (a blank page, a picture with a caption)")
    min_agreement: float = knob(0.9, "share of the pre-pass's characters the layout reader must read on a page (the specimens agree at 1.000; a stream one library cuts short loses a third or more; the slack is for ligatures and glyphs without Unicode)")
    max_refusal: int = knob(230, "characters: a refusal stays one readable line; names go first when it would be longer")
    sibling_agree: float = knob(0.95, "share of the members both editions of a year list whose cells must agree")
    sibling_min_filled: int = knob(20, "members with a cell in either edition that a column needs to be evidence at all")


GEOMETRY = GeometrySettings()
LAYOUT = LayoutSettings()
PREPASS = PrepassSettings()
CROPS = CropSettings()
LANGUAGE = LanguageSettings()
NAMES = NameSettings()
PROSE = ProseSettings()
LISTS = ListSettings()
CALENDAR = CalendarSettings()
KEY_FIGURES = KeyFigureSettings()
PUBLICATIONS = PublicationSettings()
PLAN = PlanSettings()
BUDGET = BudgetSettings()
MEMBERS = MemberSettings()
MATRIX = MatrixSettings()
TITLES = TitleSettings()
LEGEND = LegendSettings()
INVENTORY = InventorySettings()
GATES = GateSettings()

# name in the code -> the default settings of that stage (docs/settings.md follows this order)
STAGES = {name: value for name, value in globals().items() if isinstance(value, _Validated)}


def markdown() -> str:
    """docs/settings.md: every stage's fields with type, default and reason."""
    out = ["# Settings", "",
           "Every threshold that tunes the reading, by stage: `src/extract/toolkit/settings.py`",
           "(this page is its output: `python -m extract.toolkit.settings > docs/settings.md`;",
           "`tests/test_settings_docs.py` fails when the two disagree). A stage's module reads its",
           "instance (`LAYOUT.y_tolerance`); a run with other values swaps it,",
           "`layout.LAYOUT = dataclasses.replace(layout.LAYOUT, y_tolerance=3.0)`; a function that",
           "takes the value as an argument (`split_line(line, gap_ratio)`) has it as its default.",
           "Units: points (1/72 in), `em` (multiples of the type size of the words measured),",
           "rapidfuzz scores 0..100, shares 0..1.", ""]
    for name, settings in STAGES.items():
        cls = type(settings)
        out += [f"## `{name}`: `{cls.__name__}`", "", cls.__doc__ or "", "",
                "| field | type | default | why |", "| --- | --- | --- | --- |"]
        out += [f"| `{name}.{f.name}` | {type_name(f)} | `{f.default!r}` | {f.metadata['why']} |"
                for f in dataclasses.fields(settings)]  # type: ignore[arg-type]
        out.append("")
    return "\n".join(out)


if __name__ == "__main__":
    print(markdown(), end="")
