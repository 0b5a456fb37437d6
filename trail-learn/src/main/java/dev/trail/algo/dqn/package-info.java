/** DQN (Mnih et al. 2015) as CleanRL's {@code dqn.py}: {@link dev.trail.algo.dqn.Dqn} and its config. */
package dev.trail.algo.dqn;
