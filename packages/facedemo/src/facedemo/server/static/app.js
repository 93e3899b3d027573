// The demo page: send the chosen or dropped image to POST /predict, draw what comes back.
// Plain JavaScript served by the app itself: no framework, no external URL.
"use strict";

const $ = (id) => document.getElementById(id);
const form = $("upload"), input = $("file"), photo = $("photo");
let answer = null;

function show(id, text) {
  $(id).textContent = text;
  $(id).hidden = !text;
}

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

async function describeService() {
  try {
    const info = await (await fetch("/models")).json();
    const names = info.models.map((m) => `${m.name} (${m.tasks.join(", ")})`).join("; ");
    $("service").textContent = `Models: ${names}. Detector: ${info.detector}. ` +
      `Up to ${(info.max_bytes / 1048576).toFixed(0)} MiB and ${(info.max_pixels / 1e6).toFixed(0)} MP per image.`;
  } catch (err) {
    $("service").textContent = `The service did not answer /models (${err}).`;
  }
}

async function send(file) {
  if (!file) return;
  show("error", "");
  show("status", `Sending ${file.name}…`);
  const body = new FormData();
  body.append("image", file, file.name);
  const started = performance.now();
  let response, data;
  try {
    response = await fetch("/predict", { method: "POST", body });
    data = await response.json();
  } catch (err) {
    show("status", "");
    show("error", `No answer from the server (${err}).`);
    return;
  }
  if (!response.ok) {
    show("status", "");
    show("error", `${response.status}: ${data.error || "failed"}`);
    $("result").hidden = true;
    return;
  }
  answer = data;
  const seconds = ((performance.now() - started) / 1000).toFixed(2);
  show("status", `${file.name}: ${data.faces.length} face(s) in ${seconds} s, answered by ${data.model}.`);
  photo.onload = drawBoxes;
  photo.src = URL.createObjectURL(file);
  renderFaces(data);
  $("result").hidden = false;
}

// Boxes are absolutely positioned over the image, scaled from the image's pixels to its
// displayed size (the browser applies the EXIF orientation as the server's decoder did).
function drawBoxes() {
  const layer = $("boxes");
  layer.replaceChildren();
  if (!answer) return;
  const scale = photo.clientWidth / answer.image_size[0];
  answer.faces.forEach((face, i) => {
    const [x, y, w, h] = face.box;
    const box = element("div", "face-box");
    Object.assign(box.style, { left: `${x * scale}px`, top: `${y * scale}px`,
                               width: `${w * scale}px`, height: `${h * scale}px` });
    const emotion = face.tasks.emotion;
    box.appendChild(element("span", "", `#${i + 1}` + (emotion ? ` ${emotion.label}` : "")));
    layer.appendChild(box);
  });
}

function renderTask(name, task) {
  const block = element("div", "task");
  const title = element("h3", "", `${name}: ${task.label}` + (task.synthetic ? " *" : ""));
  const by = task.source === "landmarks" ? `estimated from landmarks (${task.model})` : `model ${task.model}`;
  title.appendChild(element("small", "", ` — ${by}`));
  block.appendChild(title);
  for (const [label, p] of Object.entries(task.probabilities)) {
    const row = element("div", label === task.label ? "row top" : "row");
    const track = element("div", "track"), bar = element("div", "bar");
    bar.style.width = `${(100 * p).toFixed(1)}%`;
    track.appendChild(bar);
    row.append(element("span", "", label), track, element("span", "", `${(100 * p).toFixed(1)}%`));
    block.appendChild(row);
  }
  return block;
}

function renderFaces(data) {
  const list = $("faces");
  list.replaceChildren();
  if (!data.faces.length) list.appendChild(element("p", "", "No face found in this image."));
  data.faces.forEach((face, i) => {
    const card = element("div", "face");
    const score = face.detector_score == null ? "" : `, score ${face.detector_score.toFixed(2)}`;
    card.appendChild(element("h2", "", `Face #${i + 1} (${face.detector}${score})`));
    for (const [name, task] of Object.entries(face.tasks)) card.appendChild(renderTask(name, task));
    list.appendChild(card);
  });
}

input.addEventListener("change", () => send(input.files[0]));
form.addEventListener("submit", (event) => { event.preventDefault(); send(input.files[0]); });
for (const name of ["dragenter", "dragover"]) {
  form.addEventListener(name, (event) => { event.preventDefault(); form.classList.add("over"); });
}
for (const name of ["dragleave", "drop"]) {
  form.addEventListener(name, () => form.classList.remove("over"));
}
form.addEventListener("drop", (event) => {
  event.preventDefault();
  send(event.dataTransfer.files[0]);
});
window.addEventListener("resize", drawBoxes);
describeService();
