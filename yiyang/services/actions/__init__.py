"""Workflows of the service chain, one module per sub-domain.

``work_orders`` (intake, dispatch, recurring plans), ``visits`` (check-in and out, sign-off,
exceptions, ratings, return calls), ``reference`` (entitlements, agreements, workers, provider
members) and ``settlements`` (the monthly settlement; its SQL engine is ``services.settlement``).
"""
