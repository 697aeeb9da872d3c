DROP TABLE programme_goal;
DROP TABLE pact_goal;
DROP TABLE observation;
