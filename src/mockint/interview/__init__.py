"""The mock interview as a state machine: phases, budgets, clocks and the interviewer."""
