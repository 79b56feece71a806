from call_status_crm.core.phones import phone_digits, phone_key


def test_phone_digits():
	assert phone_digits("+91 98765-43210") == "919876543210"
	assert phone_digits("(022) 2345 6789 ext. 12") == "0222345678912"
	assert phone_digits(None) == ""


def test_one_number_written_every_way_has_one_key():
	ways = ("+91 98765 43210", "098765-43210", "98765 43210", "919876543210", "0091 98765 43210")
	assert {phone_key(way, "IN") for way in ways} == {"+919876543210"}


def test_national_numbers_are_read_with_the_sites_country():
	assert phone_key("(212) 555-0100", "US") == "+12125550100"
	assert phone_key("(212) 555-0100", "us") == "+12125550100"
	assert phone_key("022 2345 6789", "IN") == "+912223456789"
	# the same national digits are another number in another country
	assert phone_key("020 7946 0958", "GB") == "+442079460958"
	assert phone_key("020 7946 0958", "IN") != phone_key("020 7946 0958", "GB")


def test_international_numbers_keep_their_country_whatever_the_sites():
	assert phone_key("+44 20 7946 0958", "US") == phone_key("011 44 20 7946 0958", "US") == "+442079460958"
	assert phone_key("+91 98765 43210", None) == "+919876543210"


def test_a_national_number_on_a_site_with_no_country_is_keyed_by_its_digits():
	assert phone_key("98765 43210", None) == "9876543210"
	assert phone_key("98765-43210", "") == phone_key("(98765) 43210", None)


def test_numbers_too_short_to_tell_leads_apart_have_no_key():
	assert phone_key("123456", "IN") == phone_key("ext. 42", "IN") == phone_key(None, "IN") == ""
	assert phone_key("", None) == ""
	assert phone_key("1234567", "IN") == "+911234567"
