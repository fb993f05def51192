"""Departments (单位): the bureau's tree, and the guardian grants that scope users to it."""


from django.core.validators import MaxValueValidator
from django.db import models
from guardian.models import UserObjectPermissionBase
from simple_history.models import HistoricalRecords

SORT_ORDER_MAX = 99999


def path_segment(sort_order: int, pk: int) -> str:
    """One level of a department's tree path: sort order and id, each zero-padded to a fixed width."""
    return f"{sort_order:05d}-{pk:07d}/"


class DepartmentQuerySet(models.QuerySet):
    def in_tree_order(self):
        """Order departments as the bureau lists them: parents before children, by sort order."""
        return self.order_by("path")


class Department(models.Model):
    """A unit of the bureau: the bureau itself, its sections (科室) and subordinate units.

    ``path`` is a materialised path of fixed-width segments, each the sort order and the id,
    zero-padded ("/00000-0000001/00010-0000004/"), kept by the services, so that "this department
    and everything under it" is one indexed prefix match and ordering by path lists the tree in
    order: siblings by their sort order as a number, equal ones by id (as created), never as text.
    Every segment has the same width, so no collation (a database's, PostgreSQL's ICU) can put
    unit 10 before unit 2.
    """

    class Kind(models.TextChoices):
        BUREAU = "bureau", "局机关"
        SECTION = "section", "内设科室"
        UNIT = "unit", "下属单位"

    name = models.CharField("名称", max_length=100, unique=True)
    short_name = models.CharField("简称", max_length=50, blank=True)
    kind = models.CharField("类别", max_length=10, choices=Kind.choices, default=Kind.SECTION)
    parent = models.ForeignKey(
        "self", verbose_name="上级单位", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    sort_order = models.PositiveIntegerField("排序号", default=100, validators=[MaxValueValidator(SORT_ORDER_MAX)],
                                             help_text="同级单位按排序号从小到大排列")
    is_active = models.BooleanField("启用", default=True)
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    history = HistoricalRecords(excluded_fields=["path"])

    objects = DepartmentQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "单位"
        ordering = ["path"]
        permissions = [("view_department_cadres", "查看本单位及下级单位的干部（按单位授权）")]

    def __str__(self):
        return self.name

    @property
    def depth(self) -> int:
        return max(self.path.count("/") - 2, 0)

    def path_segment(self) -> str:
        return path_segment(self.sort_order, self.pk)


class DepartmentUserObjectPermission(UserObjectPermissionBase):
    """A department granted to a user (django-guardian, direct foreign key).

    Scope is granted on departments, never per cadre: a department head holds
    ``view_department_cadres`` on their department, which covers its sub-departments.
    """

    content_object = models.ForeignKey(Department, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = verbose_name_plural = "单位授权"
