"""Browser fixtures live in yiyang.core.testing_browser, loaded by the root conftest."""
