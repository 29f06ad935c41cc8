import pytest

from linli.core.errors import DomainError
from linli.regions.models import Level, Region
from linli.regions.services import decode_segment, encode_segment, region_create


def test_segments_are_fixed_width_and_round_trip():
    assert encode_segment(0) == "0000"
    assert encode_segment(36) == "0010"
    assert decode_segment(encode_segment(123456)) == 123456


def test_subtree_of_a_grid_holds_its_micro_grids_and_nothing_else(world):
    codes = set(Region.objects.subtree(world.grid_a1).values_list("code", flat=True))
    assert codes == {"330502001001-G01", "330502001001-G01-M1"}


def test_ancestors_are_root_first(world):
    names = [r.name for r in world.micro_a1.ancestors()]
    assert names == ["吴兴区", "朝阳街道", "西林寺社区", "第一网格"]
    assert world.micro_a1.community() == world.community_a


def test_a_grid_cannot_hang_off_a_street(world):
    with pytest.raises(DomainError) as exc:
        region_create(parent=world.street, level=Level.GRID, name="x", code="bad-grid")
    assert exc.value.code == "region_parent_level"
    assert not Region.objects.filter(code="bad-grid").exists()


def test_statistics_code_must_have_12_digits(world):
    with pytest.raises(DomainError) as exc:
        region_create(parent=world.street, level=Level.COMMUNITY, name="x", code="x1", stats_code="3305")
    assert (exc.value.code, exc.value.field) == ("region_stats_code", "stats_code")


def test_duplicate_code_is_refused(world):
    with pytest.raises(DomainError) as exc:
        region_create(parent=world.community_a, level=Level.GRID, name="重复", code="330502001001-G01")
    assert exc.value.code == "region_code_taken"


def test_siblings_get_consecutive_paths(world):
    third = region_create(parent=world.community_a, level=Level.GRID, name="第三网格", code="330502001001-G03")
    assert third.path == world.community_a.path + "0002"
