"""The options appraisal beyond cost: long list, gateway criteria, weighted scoring."""
