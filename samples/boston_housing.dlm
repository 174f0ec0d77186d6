/// Boston house prices (median value, $1000s) from 13 features: regression.
model PriceMlp {
  dense(64, activation: relu)
  dropout(0.1)
  dense(32, activation: relu)
  dense(1)
}

experiment boston_housing {
  seed: 3
  data {
    source: builtin("boston_housing")
    split { train: 0.7, validation: 0.15, test: 0.15 }
    normalize: standardize
  }
  model: PriceMlp
  train {
    optimizer: adam(learning_rate: 3e-3)
    loss: mse
    metrics: [mae, rmse]
    epochs: 200
    batch_size: 32
    callbacks {
      early_stopping(monitor: val_loss, patience: 20, restore_best_weights: true)
      reduce_lr_on_plateau(monitor: val_loss, factor: 0.5, patience: 8)
    }
  }
  evaluate { on: test, metrics: [rmse, mae, r2] }
  export: "exports/boston_housing"
}
