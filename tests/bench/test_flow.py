"""The integrate-to-URL flow the bench reports ends with the workload's URL published."""

from bench import flow


def test_the_workload_gets_its_url_after_one_round_of_update_status():
    result = flow.events_to_url()
    assert result["url"] == "http://web.example.com/"
    assert result["update_status_needed"] == 1
    assert result["by_unit"]["gateway/0"] >= 2  # it must learn the listener is programmed
