/**
 * The e²KD data layer: datasets, few-shot splits, augmentation, input encodings and batching.
 *
 * <ul>
 *   <li>Images and explanation maps are {@link e2kd.data.Image}s, float {@code (C,H,W)}; images
 *       are RGB in [0,1].
 *   <li>Datasets implement {@link e2kd.data.LabeledDataset}: {@link e2kd.data.FashionMnist}
 *       (IDX files via {@link e2kd.data.IdxReader}, or the subset embedded on the classpath),
 *       {@link e2kd.data.ImageFolder} (ImageNet layout, decoded lazily), {@link e2kd.data.Waterbirds}
 *       ({@code metadata.csv} with a place/group label per image) and views made by {@link
 *       e2kd.data.LabeledDataset#subset} from a {@link e2kd.data.FewShot} split.
 *   <li>{@link e2kd.data.CompositeScenes} pastes real items onto {@link e2kd.data.Textures}
 *       backgrounds: shortcut scenes with a class/background correlation, localization scenes with
 *       clutter and item boxes, written in the Waterbirds layout (plus {@code boxes.csv}).
 *   <li>An {@link e2kd.data.Augmentation} draws a {@link e2kd.data.GeometricTransform} per sample
 *       ({@link e2kd.data.TrainAugmentation}, {@link e2kd.data.EvalTransform}); the same transform
 *       applies to the image and its stored explanation map. An {@link e2kd.data.Encoding} then
 *       produces the model input (B-cos 6 channels, or mean/std).
 *   <li>{@link e2kd.data.DataLoader} builds {@link e2kd.data.Batch}es of DJL NDArrays, prefetched
 *       on a background thread, optionally with {@link e2kd.data.Mixup}; all randomness comes
 *       from {@link e2kd.data.Seeds}.
 * </ul>
 *
 * <p>Failures are one-line {@link e2kd.data.E2kdDataException}s naming the file or value.
 */
package e2kd.data;
