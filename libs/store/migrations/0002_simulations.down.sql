DROP TABLE simulation_results;
DROP INDEX simulations_by_model;
DROP TABLE simulations;
