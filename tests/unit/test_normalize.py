"""The serving normalisation on real-looking tweets: each regex must demonstrably match."""

from __future__ import annotations

import pytest

from predict.normalize import normalize_tweet


@pytest.mark.parametrize(
    ("tweet", "expected"),
    [
        ("@united thanks for losing my bag!!! http://bit.ly/abc :(", "thanks for losing my bag ! ! sad"),
        ("Sooooo happy today :-) #blessed", "soo happy today smile blessed"),
        ("I &lt;3 my new phone &amp; case", "i love my new phone case"),
        ("Can&#39;t wait for the weekend ;)", "can't wait for the weekend wink"),
        ("Watching the game... www.espn.com/nba  love it", "watching the game love it"),
        ("I didn\u2019t like it", "i didn't like it"),
        ("xD that was funny", "laugh that was funny"),
        ("I am not happy with this flight 😡", "i am not happy with this flight angry"),
        ("Going to #Paris tomorrow &quot;yay&quot;", "going to paris tomorrow yay"),
        ("the meeting is at 12:30", "the meeting is at 12 30"),
    ],
)
def test_neural_pipeline_turns_tweets_into_plain_lowercase_words(tweet, expected):
    assert normalize_tweet(tweet) == expected


@pytest.mark.parametrize(
    ("tweet", "expected"),
    [
        ("landed \U0001f602\U0001f602", "landed haha haha"),  # face with tears of joy
        ("see you soon \u2764\ufe0f", "see you soon love"),  # red heart (with variation selector)
        ("\U0001f494 missed it", "heartbroken missed it"),  # broken heart, not "love"
        ("\U0001f44e customer service", "bad customer service"),  # thumbs down
        ("\U0001f44d thanks", "great thanks"),  # thumbs up
        ("\U0001f622 missed it", "cry missed it"),  # crying face
        # v4: today's sense of emoji whose use changed; split-sense ones carry nothing
        ("i'm dead \U0001f480\U0001f480", "i'm dead haha haha"),  # skull
        ("this album \U0001f525", "this album great"),  # fire
        ("so proud of her \U0001f979", "so proud of her aww"),  # face holding back tears
        ("thought it would be on time \U0001f921", "thought it would be on time stupid"),  # clown face
        ("love that for me \U0001f643", "love that for me ugh"),  # upside-down face
        ("\U0001f62d\U0001f62d", ""),  # loudly crying face: joy as often as grief
        ("please refund me \U0001f64f\U0001f3fd", "please refund me"),  # folded hands, skin tone
        ("new vibes \u2728", "new vibes"),  # sparkles
        ("\U0001f692 fire engine", "fire engine fire engine"),  # only the exact name "fire" is re-read
        ("delayed again \U0001f644", "delayed again ugh"),  # face with rolling eyes
        ("\u2708\ufe0f on time", "airplane on time"),  # no emotion: its English name
        ("on hold again \U0001f926\u200d\u2642\ufe0f", "on hold again ugh"),  # man facepalming (ZWJ)
        ("\U0001f44d\U0001f3fd ok", "great ok"),  # thumbs up, skin tone
        ("lost my bag \U0001f595", "lost my bag angry"),  # middle finger
        ("\U0001f4a9 service", "crap service"),  # pile of poo
    ],
)
def test_emoji_become_their_emotion_word_or_their_name(tweet, expected):
    assert normalize_tweet(tweet) == expected


def test_mentions_and_urls_leave_no_trace():
    text = "@JetBlue @user_2 see https://t.co/xyz and www.example.com/page or bit.ly/x1 now"
    assert normalize_tweet(text) == "see and or now"


def test_emoticon_inside_a_time_or_word_is_not_a_smiley():
    assert "annoyed" not in normalize_tweet("see you at 10:/ no, at http://a.b/c:/d")
    assert normalize_tweet("1:30 ok") == "1 30 ok"
