from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="MetricsTree")


@_attrs_define
class MetricsTree:
    """Metrics grouped by labels (for example operation type, then backend). Each leaf is a
    series of `[timestamp, value]` points or, with an aggregation, one number.

    """

    additional_properties: dict[str, float | list[list[float]] | MetricsTree] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:

        field_dict: dict[str, Any] = {}
        for prop_name, prop in self.additional_properties.items():
            if isinstance(prop, list):
                field_dict[prop_name] = []
                for componentsschemas_metrics_node_type_1_item_data in prop:
                    componentsschemas_metrics_node_type_1_item = componentsschemas_metrics_node_type_1_item_data

                    field_dict[prop_name].append(componentsschemas_metrics_node_type_1_item)

            elif isinstance(prop, MetricsTree):
                field_dict[prop_name] = prop.to_dict()
            else:
                field_dict[prop_name] = prop

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        metrics_tree = cls()

        additional_properties = {}
        for prop_name, prop_dict in d.items():

            def _parse_additional_property(data: object) -> float | list[list[float]] | MetricsTree:
                try:
                    if not isinstance(data, list):
                        raise TypeError()
                    componentsschemas_metrics_node_type_1 = []
                    _componentsschemas_metrics_node_type_1 = data
                    for componentsschemas_metrics_node_type_1_item_data in _componentsschemas_metrics_node_type_1:
                        componentsschemas_metrics_node_type_1_item = cast(
                            list[float], componentsschemas_metrics_node_type_1_item_data
                        )

                        componentsschemas_metrics_node_type_1.append(componentsschemas_metrics_node_type_1_item)

                    return componentsschemas_metrics_node_type_1
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass
                try:
                    if not isinstance(data, dict):
                        raise TypeError()
                    componentsschemas_metrics_node_type_2 = MetricsTree.from_dict(data)

                    return componentsschemas_metrics_node_type_2
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass
                return cast(float | list[list[float]] | MetricsTree, data)

            additional_property = _parse_additional_property(prop_dict)

            additional_properties[prop_name] = additional_property

        metrics_tree.additional_properties = additional_properties
        return metrics_tree

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> float | list[list[float]] | MetricsTree:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: float | list[list[float]] | MetricsTree) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
