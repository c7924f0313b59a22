"""The documented envelopes (latepoint-api.md §1.7, §1.8), one helper per shape."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpResponse


def json_response(payload: Any, status: int = 200) -> HttpResponse:
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    return HttpResponse(body, status=status, content_type="application/json; charset=UTF-8")


# --- success ---------------------------------------------------------------------------------


def s1(data: Any, status: int = 200) -> HttpResponse:
    """{"status":"success","data":...}"""
    return json_response({"status": "success", "data": data}, status)


def s2(message: str, data: Any, status: int = 201) -> HttpResponse:
    """{"status":"success","message":...,"data":...}"""
    return json_response({"status": "success", "message": message, "data": data}, status)


def s3(data: Any, pagination: dict | None = None) -> HttpResponse:
    """{"success":true,"data":...,"pagination":{...}}"""
    payload: dict[str, Any] = {"success": True, "data": data}
    if pagination is not None:
        payload["pagination"] = pagination
    return json_response(payload)


def s4(message: str, data: Any) -> HttpResponse:
    """{"success":true,"message":...,"data":...}"""
    return json_response({"success": True, "message": message, "data": data})


def s6(data: Any) -> HttpResponse:
    """{"success":true,"data":...}"""
    return json_response({"success": True, "data": data})


def p2(page: int, per_page: int, total: int) -> dict:
    total_pages = (total + per_page - 1) // per_page if total else 0
    return {
        "page": page,
        "per_page": per_page,
        "total": total,
        "total_pages": total_pages,
        "has_next_page": page < total_pages,
        "has_previous_page": page > 1,
    }


# --- errors ----------------------------------------------------------------------------------


def e1(status: int, code: str, message: str, details: dict | None = None) -> HttpResponse:
    """{"status":"error","error":{"code","message","details"?}}"""
    error: dict[str, Any] = {"code": code, "message": message}
    if details:
        error["details"] = details
    return json_response({"status": "error", "error": error}, status)


def e2(status: int, code: str, message: str) -> HttpResponse:
    """{"error":{"code","message"}} (the authentication page)"""
    return json_response({"error": {"code": code, "message": message}}, status)


def e3(status: int, code: str, message: str, **extra: Any) -> HttpResponse:
    """WordPress WP_Error: {"code","message","data":{"status":N,...}}"""
    return json_response(
        {"code": code, "message": message, "data": {"status": status, **extra}}, status
    )


class ApiProblem(Exception):
    """Raised inside a view to answer an error; the view's family decides the envelope."""

    def __init__(self, status: int, code: str, message: str, details: dict | None = None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details or {}

    def as_e1(self) -> HttpResponse:
        return e1(self.status, self.code, self.message, self.details)

    def as_e3(self) -> HttpResponse:
        extra = {"details": self.details} if self.details else {}
        return e3(self.status, self.code, self.message, **extra)
