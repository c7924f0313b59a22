"""The chart geometry: scales, labels and escaping of upstream names."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.template.loader import render_to_string

from stats.charts import daily_chart, nice_ceiling, service_chart
from stats.figures import DayCount, ServiceRevenue
from stats.forms import Period


def test_nice_ceiling():
    assert [nice_ceiling(v) for v in (0, 1, 3, 7, 19, 21, 26, 140)] == [
        1,
        1,
        5,
        10,
        20,
        25,
        50,
        200,
    ]


def test_daily_chart_scales_bars_to_the_peak():
    days = [DayCount(date(2026, 11, 1) + timedelta(days=n), n, n // 2) for n in range(21)]
    chart = daily_chart(days)
    assert chart.peak == 20 and chart.total == sum(range(21)) and chart.days == 21
    assert len(chart.bars) == 21
    tallest = chart.bars[-1]
    assert float(tallest.total_height) == float(chart.plot_bottom) - 12  # the full plot height
    assert float(chart.bars[0].total_height) == 0
    assert [t.label for t in chart.y_ticks] == ["0", "5", "10", "15", "20"]
    assert len(chart.x_ticks) <= 8
    assert chart.bars[3].title == "Wed Nov 4: 3 bookings, 1 completed"


def test_service_chart_groups_the_tail_and_keeps_full_names():
    rows = [
        ServiceRevenue(
            service_id=n,
            name=f"Service {n} with a long descriptive name",
            revenue=Decimal(100 - n),
            completed=1,
        )
        for n in range(15)
    ]
    chart = service_chart(rows)
    assert len(chart.bars) == 12
    assert chart.bars[-1].full_name == "4 other services"
    # The same money format as the table under the chart (the business currency, "$" here).
    assert chart.bars[-1].value == f"${sum(100 - n for n in range(11, 15)):,.2f}"
    assert chart.bars[0].name.endswith("…") and len(chart.bars[0].name) <= 26
    assert chart.bars[0].full_name == rows[0].name


def test_upstream_names_are_escaped_in_the_svg():
    name = '<script>alert(1)</script> & "Co"'
    chart = service_chart(
        [ServiceRevenue(service_id=1, name=name, revenue=Decimal(10), completed=1)]
    )
    period = Period(start=date(2026, 11, 1), end=date(2026, 11, 22))
    svg = render_to_string("stats/charts/services.html", {"chart": chart, "period": period})
    assert "<script>" not in svg
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Co&quot;: $10.00</title>" in svg
    assert 'role="img"' in svg and 'aria-labelledby="service-title service-desc"' in svg
    assert "style=" not in svg


def test_daily_svg_has_a_title_description_and_one_bar_per_day():
    days = [DayCount(date(2026, 11, 1) + timedelta(days=n), 2, 1) for n in range(30)]
    period = Period(start=days[0].day, end=days[-1].day)
    svg = render_to_string(
        "stats/charts/daily.html", {"chart": daily_chart(days), "period": period}
    )
    assert '<title id="daily-title">Bookings per day, 1 Nov to 30 Nov 2026</title>' in svg
    assert "60 bookings over 30 days, at most 2 on one day." in svg
    assert svg.count('class="chart-bar"') == 30
    assert "style=" not in svg
