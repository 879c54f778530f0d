"""Sarcastic airline complaints: thanks and praise words, a complaint in substance.

Written by hand for this suite (November 2026) before any model scored them, and never used for
training, threshold choice or model selection: they are reported, not tuned on. Sentiment140's
emoticon labels teach that "thanks" and "great" mean positive, so this is where a tweet model
trained on them is weakest; the pass rate each test keeps is the one the shipped model reached,
stated in the test, so a regression fails. docs/model.md reports the rate of every model.
"""

from __future__ import annotations

import pytest

from predict.model import load_model_artifact
from service.settings import get_settings

SARCASTIC_COMPLAINTS = [
    "Thanks for the third gate change in an hour, really loving this airport tour",
    "Wow, a four hour delay. Thank you so much for ruining my weekend",
    "Great job losing my bag again, you guys are amazing at that",
    "So glad I paid extra for a seat that doesn't recline",
    "Love how the wifi I paid for works for exactly five minutes",
    "Thank you for cancelling my flight at midnight with no hotel, truly great service",
    "Awesome, another two hours on the tarmac. Best airline ever",
    "Really appreciate being put on hold for 90 minutes, great customer care",
    "Fantastic, my connection left without me because you were late. Thanks a lot",
    "Nothing says premium like a broken tray table and a cold meal. Well done",
    "Oh perfect, the flight is overbooked and I'm the one bumped. Thanks!",
    "Thanks for the robotic and useless answer, very helpful",
    "Just love sitting next to the toilet for six hours, what a treat",
    "Brilliant, my luggage went to Denver and I went to Miami. Great work",
    "Thanks for charging me 60 dollars to check a bag that never arrived",
    "So nice of you to change my flight without telling me. Loved finding out at the gate",
    "Great, the app crashed again right when I tried to check in. Love it",
    "What a wonderful surprise, no vegetarian meal even though I booked one",
    "Amazing how you can lose a wheelchair. Truly impressive",
    "Thank you for the lovely 5am rebooking after you cancelled my evening flight",
    "Best part of my trip was waiting three hours for a gate agent. Thanks",
    "Really enjoying my fourth hour at the airport thanks to your maintenance issue",
    "Cheers for the warm welcome, said no one after that rude flight attendant",
    "Good to know my status means nothing when the flight is delayed again",
    "Super helpful of you to close the check-in desk early. Thanks guys",
    "Loved paying for priority boarding and boarding last. Great system",
    "Thanks for the surprise middle seat after I picked a window a month ago",
    "Such a great experience sleeping on the terminal floor tonight, thanks",
    "Wonderful customer service, I was disconnected three times",
    "Glad to see the plane is still broken after two hours. Keep it up",
    "Nice to know a refund takes eight weeks but a fare hike takes seconds",
    "Thanks for nothing, my flight was cancelled and nobody called",
    "Love the new seats, my knees are now permanently in my chest",
    "Another flawless trip: delayed, diverted and my bag is missing. Thank you",
    "Really classy to blame the weather when the sky is perfectly clear",
    "Impressive, the toilet has been out of order since takeoff. Great flight",
    "Thank you for making a one hour flight take nine hours",
    "Great to hear the same recorded apology for the tenth time",
    "Terrific, the gate agent laughed when I asked about my connection. Thanks",
    "Appreciate the free water after sitting in the heat with no air for two hours",
]
SINCERE_THANKS = [  # the same words meant plainly: these must stay positive
    "Thanks for the quick rebooking, the agent was great",
    "Thank you for finding my bag so fast, really appreciate it",
    "Great crew today, they made the delay feel short",
    "Loved the extra legroom, thank you so much",
    "Really appreciate the upgrade, best flight in years",
    "Thanks to the gate agent who held the door for me, you are amazing",
    "Wonderful service on my flight home tonight, thank you",
    "So glad I flew with you, everything was on time",
    "Cheers for the free snacks and the smooth landing",
    "Thank you for the kind help with my wheelchair today",
]


@pytest.fixture(scope="module")
def model():
    return load_model_artifact(get_settings().model_dir)


def negative_rate(model, texts) -> float:
    probabilities = model.predict_proba(texts)
    return float((probabilities < model.threshold).mean())


def test_the_suite_is_about_forty_complaints_and_ten_controls():
    assert len(SARCASTIC_COMPLAINTS) == 40 and len(set(SARCASTIC_COMPLAINTS)) == 40
    assert len(SINCERE_THANKS) == 10


def test_sarcastic_complaints_are_mostly_negative(model):
    # fasttext_lstm@5: 30 of 40 (0.75); @4 had 23 of 40 (0.575). The floor is @5's rate.
    assert negative_rate(model, SARCASTIC_COMPLAINTS) >= 0.75


def test_sincere_thanks_stay_positive(model):
    # Guards against a model that calls every airline tweet negative. Expected: 9 of 10.
    assert 1.0 - negative_rate(model, SINCERE_THANKS) >= 0.9
