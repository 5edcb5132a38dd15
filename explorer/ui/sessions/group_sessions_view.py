"""A Sessions tab of a saved group: the period's sessions of every video of the group, one
video's list after the other, with a Video column saying whose each session is."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from PySide6.QtWidgets import QWidget

from explorer.services.group_sessions import (
    GROUP_TEXT_COLUMNS,
    GroupPage,
    GroupSessionList,
    list_group_sessions,
)
from explorer.services.sessions import ROW_ID, Media, SessionRecord, SessionService
from explorer.ui.bridge.tasks import TaskRunner
from explorer.ui.sessions.sessions_view import SessionsView

GROUP_PREFIX = "group:"  # a group tab's `media.media_id`: no video's id starts so


def _videos(count: int) -> str:
    return f"{count:,} video" + ("" if count == 1 else "s")


class GroupSessionsView(SessionsView):
    """The sessions of ``medias`` (a group's videos) for a period; filters and the inspector
    work across them; a session is inspected with its own video."""

    text_columns = GROUP_TEXT_COLUMNS
    medias: tuple[Media, ...] = ()
    group_listing: GroupSessionList | None = None
    _videos_done: tuple[int, int] = (0, 0)

    def __init__(
        self,
        runner: TaskRunner,
        service: SessionService,
        name: str,
        medias: Sequence[Media],
        today: date,
        zone: str,
        parent: QWidget | None = None,
    ) -> None:
        media = Media(GROUP_PREFIX + name, "video", name)
        super().__init__(runner, service, media, today, zone, parent)
        self.group_name = name
        self.medias = tuple(m for m in medias if not m.live)
        self._owners: dict[str, Media] = {}
        self.heading.setText(f"Group · {name} ({_videos(len(self.medias))})")
        self.heading.setToolTip(", ".join(m.title or m.media_id for m in self.medias))
        self.export_button.setToolTip(
            "A group's period is exported one video at a time, from that video's Sessions tab"
        )
        self._show_counts(0, 0)

    @property
    def title(self) -> str:
        return f"Sessions · group {self.media.title}"

    def load(self) -> None:
        try:
            metadata = self._metadata_pairs()
        except ValueError as error:
            self._show_notice(f"Metadata filter: {error}.")
            return
        if not self.medias:
            self._show_notice(
                f"The group '{self.group_name}' has no video among the assets listed: "
                "refresh the asset tree or edit the group."
            )
            return
        self._show_notice("")
        self.listing = self.group_listing = None
        self._owners = {}
        self._videos_done = (0, len(self.medias))
        self.table.source.clear()
        self.runner.run(
            list_group_sessions, self.service, self.medias, self.picker.period().wire, metadata,
            owner=self, slot="list", label=f"Listing the sessions of the group {self.group_name}",
            yielded=self._on_pages_listed, progressed=self._on_list_progressed,
            done=self._on_group_listed, failed=self._on_list_failed,
            cancelled=self._on_list_cancelled,
        )  # fmt: skip
        self.progress.setRange(0, 0)
        self.progress.show()
        self._sync_buttons()

    def media_of(self, record: SessionRecord) -> Media:
        return self._owners.get(record.session_id, self.media)

    def export_period(self) -> None:
        self.message_posted.emit(
            "Export a group's period one video at a time, from that video's Sessions tab."
        )

    # --- showing ---------------------------------------------------------------------------

    def _show_counts(self, shown: int, held: int) -> None:
        videos = _videos(len(self.medias))
        if shown == held:
            text = f"{held:,} sessions of {videos}"
        else:
            text = f"Showing {shown:,} of {held:,} sessions of {videos}"
        if self.busy("list"):
            done, total = self._videos_done
            text += f" · loading video {min(done + 1, total):,} of {total:,}"
        self.count.setText(text)

    def _sync_buttons(self, *_args: object) -> None:
        super()._sync_buttons()
        self.export_button.setEnabled(False)

    # --- what the task says ----------------------------------------------------------------

    def _on_pages_listed(self, pages: list[GroupPage]) -> None:  # type: ignore[override]
        for part in pages:
            for row in part.page.rows:
                self._owners[row[ROW_ID]] = part.media
            self.table.source.append(part.page)

    def _on_list_progressed(self, done: int, total: int) -> None:
        self._videos_done = (done, total)
        self._show_progress(done, total)
        self._show_counts(self.table.source.shown, self.table.source.held)

    def _on_group_listed(self, result: GroupSessionList) -> None:
        self.group_listing = result
        self._finish_busy()
        if result.partial:
            missing = "; ".join(
                f"{title}: {self._failure_text(error, 'not listed')}"
                for title, error in result.errors.items()
            )
            self._show_notice(f"Some sessions are missing ({missing}). Load again.")
        elif result.offline:
            self._show_notice(
                "OFFLINE: the API cannot be reached; the lists of "
                + ", ".join(result.offline)
                + " are the ones stored earlier."
            )
        elif not result.rows:
            self._show_notice(f"No session of the group's videos in {result.period}.")
