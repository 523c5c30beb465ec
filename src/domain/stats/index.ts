// Statistics of A/B tests (issue 5): pure functions on per-arm sufficient statistics, following
// GrowthBook's gbstats formulas. `analyzeTest` is the entry point for the app layer; `planTest` answers
// "how long must the test run".

export { type AnalyzeInput, type AnalyzeOptions, type ArmSummary, analyzeTest, type Comparison, type MeasureRole, type Method, type TestAnalysis, type TestArm, type TestMetric, type TestUnit } from "./analyze.js";
export { type BayesianOptions, type BayesianOutcome, type BayesianResult, bayesianTest, DEFAULT_PRIOR_STDDEV, FLAT_PRIOR, gaussianCredibleInterval, gaussianRisk, type PriorEffect } from "./bayesian.js";
export { chiSquareSf, normalCdf, normalPdf, normalPpf, normalSf, studentTCdf, studentTPdf, studentTPpf, studentTSf } from "./distributions.js";
export { type DifferenceType, effectMoments, frequentistDiff, frequentistVariance, type Moments, type MomentsResult, type StatsProblem, type StatsProblemCode, welchDof } from "./effect-moments.js";
export { type Alternative, type FrequentistOptions, type FrequentistOutcome, type FrequentistResult, frequentistTest } from "./frequentist.js";
export { holmAdjust } from "./holm.js";
export { binomialVariance, type DesignPlan, historyMoments, type MdeResult, mdeFrequentist, type PlanInput, type PowerMetric, type PowerOptions, planTest, powerFrequentist, type TestPlan } from "./power.js";
export { oneProportionTest, type TwoProportionResult, twoProportionZTest } from "./proportion-test.js";
export { mulberry32, normalSampler } from "./random.js";
export { type CupedRatioStat, type CupedStat, cupedRatioStatOf, cupedRatioTheta, cupedStatOf, cupedTheta, type TestStat, testStatMean, testStatVariance, unadjustedMean, withTheta } from "./regression-adjusted.js";
export { cohenH, evanMillerSampleSize, normalTwoSamplePower, powerPropTestSampleSize, proportionsPower } from "./sample-size.js";
export { DEFAULT_SEQUENTIAL_TUNING, type SequentialOptions, type SequentialOutcome, type SequentialResult, sequentialHalfWidth, sequentialPValue, sequentialRho, sequentialTest } from "./sequential.js";
export { sampleRatioMismatch } from "./srm.js";
export { type ArmStat, addStats, type CountedUnit, type MeanStat, meanStat, meanStatOf, type ProportionStat, proportionStat, type RatioStat, ratioStat, ratioStatOf, ratioStatOfCounted, statMean, statVariance, type Unit } from "./sufficient.js";
export { type TTestOptions, type TTestResult, twoSampleTTest } from "./t-test.js";
export { type ArmDrift, type ArmTraffic, type DriftReport, trafficShareDrift } from "./traffic-drift.js";
export { formatPercent, formatPValue, verdictText } from "./verdict.js";
