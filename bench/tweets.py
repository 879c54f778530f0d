"""Tweets the benchmarks score: airline-style, short to long, with mentions, emoji and URLs."""

SAMPLE_TWEETS = (
    "@united thanks for getting me home early, the crew was lovely :)",
    "@AmericanAir 3 hours on the tarmac and no update. worst airline ever",
    "flight delayed again... missing my connection #fail",
    "Loved the new lounge at JFK! great coffee ☕️ and fast wifi",
    "@SouthwestAir lost my bag for the second time this month. unbelievable 😡",
    "Just landed. smooth flight, friendly staff, on time. more of this please",
    "why is customer service hold time 2 hours?? @Delta http://t.co/abc123",
    "cancelled. no hotel voucher. sleeping at the gate tonight 😭😭",
    "the pilot made the funniest announcement lol best flight",
    "seat 32B does not recline and the tv is broken. 9 hours to go",
    "@JetBlue you guys rock!!! upgraded for free 🎉",
    "meh, food was okay, seat was okay. nothing special",
    "Never flying with them again. Rude staff, dirty cabin, late departure and then they charged me "
    "for a bag that was within the limit. I asked for a supervisor and waited forty minutes.",
    "good morning! boarding now, see you in Paris ✈️",
    "I don't hate it but I don't love it either",
    "thank you for the quick refund @VirginAmerica, really appreciate it",
)
FIRST_TWEET = SAMPLE_TWEETS[1]
