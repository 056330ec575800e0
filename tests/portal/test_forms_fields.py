import pytest

from portal.forms import ModelMultipleChoiceField
from portal.models import Commune

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("value", [str(2**63), "9" * 40, str(-(2**63) - 1)])
def test_many_to_many_field_refuses_ids_beyond_64_bits(value, communes):
    field = ModelMultipleChoiceField(Commune.objects.all())
    with pytest.raises(Exception) as error:
        field.clean([value])
    assert error.type.__name__ == "ValidationError"


def test_many_to_many_field_still_accepts_real_ids(communes):
    field = ModelMultipleChoiceField(Commune.objects.all())
    assert list(field.clean([str(communes[0].pk)])) == [communes[0]]
