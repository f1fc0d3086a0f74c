"""The ``deckgen`` command. The only module that imports click; it stays thin.

Each command calls into the library and prints what happened. Library errors
(DeckgenError) become one line per problem on stderr and exit code 1, never a
traceback. Heavy modules (spaCy, genanki) are imported inside the commands that need
them, so ``deckgen --help`` and ``deckgen build`` start fast.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from deckgen import __version__
from deckgen.errors import DeckgenError

CARDS_OPTION = click.option(
    "--cards",
    "cards_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("cards.yaml"),
    show_default=True,
    help="The cards file.",
)


class _Group(click.Group):
    """Turns DeckgenError into clean lines and exit code 1."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except DeckgenError as error:
            for problem in error.problems:
                line = str(problem)
                click.echo(line if problem.path else f"error: {line}", err=True)
            ctx.exit(1)
        except KeyboardInterrupt:
            click.echo("Interrupted; nothing was written.", err=True)
            ctx.exit(130)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="deckgen")
def cli() -> None:
    """Turn talks and podcasts into Anki decks of the claims worth remembering.

    \b
    Typical use:
      deckgen build            build the deck from ./cards.yaml
    """


@cli.command()
@CARDS_OPTION
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the .apkg  [default: <deck name>.apkg next to the cards file]",
)
def build(cards_path: Path, output: Path | None) -> None:
    """Build the Anki deck (.apkg) from the cards file.

    Import the result into Anki (File > Import). Re-importing a rebuilt deck
    updates edited cards in place and keeps your review history.
    """
    from deckgen.build import build_deck
    from deckgen.cards import load_cards

    cards_file = load_cards(cards_path)
    report = build_deck(cards_file, output)
    click.echo(report.summary())


def main() -> None:
    cli(prog_name="deckgen")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
