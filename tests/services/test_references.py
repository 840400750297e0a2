"""Reference art has a tenant: one holder per image, never moved silently, refused whole when the matcher
cannot index it, keyed by id in the index, and retirable with its findings kept (issue 18 item 7, issue 16)."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from sqlalchemy import func, select

from artkit import art_png
from core.models import AuditEvent, Character, Clip, Finding, Reference
from core.services.errors import Conflict, Invalid
from core.services.holders import create_holder
from core.services.references import (
    add_reference,
    index_key,
    move_reference,
    retire_reference,
)
from reports.web.uploads import describe_art


def add(session, settings, holder, data, *, character="Captain", work="Sky Pirates", filename="art.png"):
    return add_reference(session, settings, None, holder=holder, work=work, character=character, data=data,
                         filename=filename, describe=describe_art)


@pytest.fixture
def two_holders(session):
    return create_holder(session, None, "Alpha"), create_holder(session, None, "Beta")


def test_the_same_image_for_another_holder_is_refused_and_nothing_moves(settings, session, two_holders):
    alpha, beta = two_holders
    ref = add(session, settings, alpha, art_png(1)).reference
    clip = Clip(platform="web", platform_id="x/1", url="http://93.184.215.14/v/1")
    session.add(clip)
    session.flush()
    session.add(Finding(clip_id=clip.id, reference_id=ref.id, score=0.9, method="phash", best_t=1.0,
                        state="confirmed", note="analyst note"))
    session.flush()
    with pytest.raises(Conflict, match="another rights holder"):
        add(session, settings, beta, art_png(1), character="Captain")
    session.refresh(ref)
    owner = session.get(Character, ref.character_id).work.rights_holder_id
    assert owner == alpha.id and session.scalar(select(func.count()).select_from(Reference)) == 1


def test_reencoded_duplicate_and_silent_move_are_refused(settings, session, two_holders):
    alpha, _ = two_holders
    original = art_png(4)
    ref = add(session, settings, alpha, original).reference
    buf = io.BytesIO()
    Image.open(io.BytesIO(original)).convert("RGB").resize((200, 200)).save(buf, format="JPEG", quality=85)
    with pytest.raises(Conflict, match=rf"same picture \(re-encoded\) is already reference {ref.id}"):
        add(session, settings, alpha, buf.getvalue(), filename="art.jpg")
    with pytest.raises(Conflict, match="move it explicitly"):
        add(session, settings, alpha, original, character="Cook")
    assert add(session, settings, alpha, original).outcome == "unchanged"
    moved = move_reference(session, None, ref.id, work="Sky Pirates", character="Cook")
    assert moved.character.name_en == "Cook"
    actions = session.scalars(select(AuditEvent.action).where(AuditEvent.object_type == "reference")).all()
    assert actions == ["reference_added", "reference_moved"]


@pytest.mark.parametrize("image, why", [
    (Image.new("RGBA", (120, 120), (0, 0, 0, 0)), "fully transparent"),
    (Image.new("RGB", (120, 120), (90, 90, 90)), "no features"),
])
def test_art_the_matcher_cannot_index_is_refused_before_anything_is_stored(settings, session, two_holders, image,
                                                                            why):
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    with pytest.raises(Invalid, match=why) as refused:
        add(session, settings, two_holders[0], buf.getvalue())
    assert str(settings.home) not in str(refused.value)  # no server paths in the answer
    assert session.scalar(select(func.count()).select_from(Reference)) == 0
    assert not [p for p in settings.references_dir.iterdir()]  # no file left behind either


def test_index_is_keyed_by_reference_id_and_retired_art_leaves_it(settings, session, two_holders):
    from workers.catalog import rebuild_index

    alpha, beta = two_holders
    # two files with the same name for two holders: distinct references, distinct index entries
    first = add(session, settings, alpha, art_png(5), filename="hero.png").reference
    second = add(session, settings, beta, art_png(6), filename="hero.png").reference
    session.commit()
    assert first.name != second.name
    assert sorted(rebuild_index(settings).names) == sorted([index_key(first.id), index_key(second.id)])
    retire_reference(session, None, first.id)
    session.commit()
    assert rebuild_index(settings).names == [index_key(second.id)]
    assert session.get(Reference, first.id).retired_at is not None  # still there, for its findings' history
    restored = add(session, settings, alpha, art_png(5), filename="hero.png")
    assert restored.outcome == "restored" and restored.reference.id == first.id
