/** Dense linear algebra on row-major Float64Array matrices, for the small problems similarity fits. */

/** Eigenvalues and eigenvectors (columns of `vectors`, size × size) of a symmetric matrix, by cyclic Jacobi rotations. */
export function symmetricEigen(matrix: Float64Array, size: number): { values: Float64Array; vectors: Float64Array } {
  const a = Float64Array.from(matrix);
  const v = new Float64Array(size * size);
  for (let i = 0; i < size; i++) v[i * size + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < size; p++) for (let q = p + 1; q < size; q++) off += a[p * size + q] ** 2;
    if (off < 1e-22) break;
    for (let p = 0; p < size; p++) {
      for (let q = p + 1; q < size; q++) {
        const apq = a[p * size + q];
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (a[q * size + q] - a[p * size + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const cos = 1 / Math.sqrt(t * t + 1);
        const sin = t * cos;
        for (let k = 0; k < size; k++) {
          const akp = a[k * size + p];
          const akq = a[k * size + q];
          a[k * size + p] = cos * akp - sin * akq;
          a[k * size + q] = sin * akp + cos * akq;
        }
        for (let k = 0; k < size; k++) {
          const apk = a[p * size + k];
          const aqk = a[q * size + k];
          a[p * size + k] = cos * apk - sin * aqk;
          a[q * size + k] = sin * apk + cos * aqk;
        }
        for (let k = 0; k < size; k++) {
          const vkp = v[k * size + p];
          const vkq = v[k * size + q];
          v[k * size + p] = cos * vkp - sin * vkq;
          v[k * size + q] = sin * vkp + cos * vkq;
        }
      }
    }
  }
  return { values: Float64Array.from({ length: size }, (_, i) => a[i * size + i]), vectors: v };
}

/**
 * The lower-triangular L with L Lᵀ = matrix (size × size, symmetric positive definite), row-major;
 * throws when the matrix is not positive definite.
 */
export function cholesky(matrix: Float64Array, size: number): Float64Array {
  const lower = new Float64Array(size * size);
  for (let i = 0; i < size; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = matrix[i * size + j];
      for (let k = 0; k < j; k++) sum -= lower[i * size + k] * lower[j * size + k];
      if (i === j) {
        if (!(sum > 0)) throw new Error('cholesky: the matrix is not positive definite');
        lower[i * size + i] = Math.sqrt(sum);
      } else {
        lower[i * size + j] = sum / lower[j * size + j];
      }
    }
  }
  return lower;
}

/** x with L x = b, for lower-triangular L (size × size): forward substitution. */
export function solveLower(lower: Float64Array, size: number, b: ArrayLike<number>): Float64Array {
  const x = new Float64Array(size);
  for (let i = 0; i < size; i++) {
    let sum = b[i];
    for (let k = 0; k < i; k++) sum -= lower[i * size + k] * x[k];
    x[i] = sum / lower[i * size + i];
  }
  return x;
}

/** x with Lᵀ x = b, for lower-triangular L (size × size): back substitution. */
export function solveLowerTransposed(lower: Float64Array, size: number, b: ArrayLike<number>): Float64Array {
  const x = new Float64Array(size);
  for (let i = size - 1; i >= 0; i--) {
    let sum = b[i];
    for (let k = i + 1; k < size; k++) sum -= lower[k * size + i] * x[k];
    x[i] = sum / lower[i * size + i];
  }
  return x;
}
