"""The fast read path of program/api/model_serializer.py gives exactly DRF's output, on every resource."""

import pytest
from django.urls import resolve, reverse
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from program.api.model_serializer import ModelSerializer

from .resources import CASES

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("case", CASES, ids=str)
def test_every_resource_reads_as_drf_would(case, org, ld_admin_user):
    obj = case.make(org, org.learner)
    viewset = resolve(reverse(f"{case.route}-list")).func.cls
    request = Request(APIRequestFactory().get("/"))
    request.user = ld_admin_user
    instance = viewset.queryset.get(pk=obj.pk)  # with the viewset's eager loading and annotations
    serializer = viewset.serializer_class(instance, context={"request": request})
    assert isinstance(serializer, ModelSerializer)

    fast = serializer.to_representation(instance)
    generic = serializers.Serializer.to_representation(viewset.serializer_class(context={"request": request}), instance)

    assert fast == generic
    assert list(fast) == list(generic)  # same keys in the same order
    assert fast["id"] == obj.pk
