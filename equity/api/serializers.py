"""Serializers of equity audits and findings."""

from rest_framework import serializers

from equity.models import EquityAudit, EquityFinding


class EquityFindingSerializer(serializers.ModelSerializer):
    class Meta:
        model = EquityFinding
        fields = ["id", "audit", "group", "metric", "value", "n", "flag"]


class EquityAuditSerializer(serializers.ModelSerializer):
    findings = EquityFindingSerializer(many=True, read_only=True)

    class Meta:
        model = EquityAudit
        fields = ["id", "dimensions", "window_start", "window_end", "parameters", "run_at", "findings"]
