from call_status_crm.core.access import (
	allowed_sources,
	default_source,
	is_manager,
	is_trusted,
	scoped_external_id,
	status_audience,
	unscoped_external_id,
)


def test_sources_follow_the_roles():
	assert allowed_sources("a@x", ["Call Agent", "Sales User"]) == ("Manual",)
	assert allowed_sources("ai@x", ["AI Call Agent"]) == ("AI Agent",)
	assert allowed_sources("both@x", ["Call Agent", "AI Call Agent"]) == ("Manual", "AI Agent")
	assert allowed_sources("plain@x", ["Blogger"]) == ()
	for trusted in (["Call Integration"], ["Call Center Manager"], ["System Manager"]):
		assert allowed_sources("t@x", trusted) == ("Manual", "Dialler", "AI Agent", "Telephony")
	assert allowed_sources("Administrator", []) == ("Manual", "Dialler", "AI Agent", "Telephony")


def test_default_source():
	assert default_source("a@x", ["Call Agent"]) == "Manual"
	assert default_source("ai@x", ["AI Call Agent"]) == "AI Agent"
	assert default_source("i@x", ["Call Integration"]) == "Dialler"
	assert default_source("plain@x", []) is None


def test_trust():
	assert is_trusted("i@x", ["Call Integration"])
	assert not is_manager("i@x", ["Call Integration"])
	assert is_manager("m@x", ["Call Center Manager"])
	assert not is_trusted("a@x", ["Call Agent", "AI Call Agent", "Sales Manager"])


def test_status_audience():
	assert status_audience("Manual") == "agent"
	assert status_audience(None) == "agent"
	assert status_audience("AI Agent") == "ai_agent"
	assert status_audience("Dialler") is None
	assert status_audience("Telephony") is None


def test_external_ids_are_scoped_to_a_user_unless_trusted():
	assert scoped_external_id("abc", "a@x", trusted=False) == "a@x:abc"
	assert scoped_external_id("abc", "i@x", trusted=True) == "abc"
	assert scoped_external_id(None, "a@x", trusted=False) is None
	assert scoped_external_id("abc", "a@x", False) != scoped_external_id("abc", "b@x", False)
	assert unscoped_external_id("a@x:abc", "a@x") == "abc"
	assert unscoped_external_id("abc", "i@x") == "abc"
	assert unscoped_external_id("b@x:abc", "a@x") == "b@x:abc"
