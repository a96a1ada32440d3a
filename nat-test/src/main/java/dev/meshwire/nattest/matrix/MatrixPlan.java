package dev.meshwire.nattest.matrix;

import java.util.List;

/**
 * What a run covers: the whole matrix (the grids' layout, "not run" versus not part of the matrix) and the cells
 * picked to run ({@code --only}; which panels and row groups are drawn, and when a report is partial).
 */
record MatrixPlan(List<Cell> matrix, List<Cell> cells) {
    static MatrixPlan whole(List<Cell> matrix) {
        return new MatrixPlan(matrix, matrix);
    }
}
