"""Progress over time: history queries, spaced-repetition reviews, recommendations, drill metrics."""
